// chainrule's training playground. A small MLP trains on a 2-D data set in the browser. Every value and
// local gradient comes from RULES (the rule table translated from its own text, defined above): this file
// knows no derivative. The generator, the data, the initialisation, the batch order and the optimizers'
// arithmetic repeat nn/playground/*.py and nn/optim.py operation for operation, so that a Python run with
// the same settings ends with the same weights. Text is only ever written with textContent.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("playground-data").textContent);
  const { number } = pageCompute(4);
  const LIMITS = DATA.limits, CHOICES = DATA.choices, BOX = DATA.box;
  const SVG = "http://www.w3.org/2000/svg";
  const BLUE = "#2563eb", ORANGE = "#ea580c", INK = "#111827", MUTED = "#4b5563";
  const $ = (id) => document.getElementById(id);

  // --- the generator shared with Python (nn/playground/generator.py): mulberry32 ----------------------
  class Mulberry32 {
    constructor(seed) { this.state = seed >>> 0; }
    nextU32() {
      this.state = (this.state + 0x6d2b79f5) >>> 0;
      let t = this.state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t = ((t + Math.imul(t ^ (t >>> 7), t | 61)) >>> 0) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    }
    random() { return this.nextU32() / 4294967296; }
    uniform(a, b) { return a + (b - a) * this.random(); }
    below(n) { return Math.floor(this.random() * n); }
    shuffle(x) {
      for (let i = x.length - 1; i > 0; i--) {
        const j = this.below(i + 1);
        const t = x[i]; x[i] = x[j]; x[j] = t;
      }
    }
    normal() {
      const u1 = this.random(), u2 = this.random();
      return 0.0 + 1.0 * (Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2));
    }
  }
  const generator = (s, use) => new Mulberry32((s.seed + DATA.streams[use]) >>> 0);

  // --- the data sets (nn/playground/data.py) ------------------------------------------------------------
  const SHAPES = {
    xor(rng) {
      const u = rng.uniform(-1.0, 1.0), v = rng.uniform(-1.0, 1.0);
      const x = 0.9 * u + (u >= 0 ? 0.1 : -0.1), y = 0.9 * v + (v >= 0 ? 0.1 : -0.1);
      return [x, y, (x > 0) !== (y > 0) ? 1 : 0];
    },
    circles(rng, c) {
      const angle = 2.0 * Math.PI * rng.random(), radius = c === 0 ? 1.0 : 0.5;
      return [radius * Math.cos(angle), radius * Math.sin(angle), c];
    },
    moons(rng, c) {
      const t = Math.PI * rng.random();
      const x = c === 0 ? Math.cos(t) : 1.0 - Math.cos(t), y = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      return [0.8 * (x - 0.5), 0.8 * (y - 0.25), c];
    },
    spirals(rng, c) {
      const r = 0.05 + 0.95 * rng.random(), angle = 3.0 * Math.PI * r + Math.PI * c;
      return [1.2 * r * Math.sin(angle), 1.2 * r * Math.cos(angle), c];
    },
  };
  function makeData(s) {
    if (s.data === "custom") {  // a 4th item 1 marks a test point (nn/playground/data.py)
      return { train: s.points.filter((p) => p.length === 3).map((p) => p.slice()),
        test: s.points.filter((p) => p.length === 4).map((p) => p.slice(0, 3)) };
    }
    const rng = generator(s, "data"), points = [];
    for (let i = 0; i < s.n; i++) {
      const [x, y, c] = SHAPES[s.data](rng, i % 2);
      const nx = s.noise * rng.normal();
      const ny = s.noise * rng.normal();
      points.push([x + nx, y + ny, c]);
    }
    rng.shuffle(points);
    const cut = Math.floor(s.n * s.test + 0.5);
    return { train: points.slice(cut), test: points.slice(0, cut) };
  }

  // --- the network: nn.MLP's parameters, labels and graph, recorded once as a flat tape ----------------
  // Parameters in nn's order: layer by layer, its weights row by row (unit j's from input k), then biases.
  function layout(s) {
    const widths = [2, ...s.hidden, 1], layers = [];
    let base = 0;
    for (let l = 1; l < widths.length; l++) {
      const nin = widths[l - 1], nout = widths[l];
      const last = l === widths.length - 1;
      const act = last ? (s.loss === "bce" ? "linear" : "sigmoid") : s.activation;
      layers.push({ index: l, nin, nout, act, weights: base, biases: base + nin * nout });
      base += (nin + 1) * nout;
    }
    const labels = [];
    for (const L of layers) {
      for (let j = 1; j <= L.nout; j++) {
        for (let k = 1; k <= L.nin; k++) labels.push("L" + L.index + ".W_" + pair(j, k, L.nin > 9 || j > 9));
      }
      for (let j = 1; j <= L.nout; j++) labels.push("L" + L.index + ".b_" + j);
    }
    return { layers, labels, size: base };
  }
  const pair = (j, k, wide) => (wide ? j + "," + k : "" + j + k);

  // nn.MLP's initialisation: U(±1/√fan_in) for weights and biases, drawn layer by layer from one stream.
  function initialWeights(s, net) {
    const rng = generator(s, "init"), w = new Float64Array(net.size);
    for (const L of net.layers) {
      const a = 1.0 / Math.sqrt(L.nin), lo = -a, hi = a;
      for (let i = 0; i < L.nin * L.nout; i++) w[L.weights + i] = rng.uniform(lo, hi);
      for (let j = 0; j < L.nout; j++) w[L.biases + j] = rng.uniform(lo, hi);
    }
    return w;
  }

  const LEAF_INPUT = 0, LEAF_PARAM = 1, LEAF_CONST = 2, OP = 3;
  const ACTIVATION_OP = { tanh: "tanh", relu: "relu", sigmoid: "sigmoid", leaky_relu: "leaky_relu" };

  // One sample's graph, as nn builds it: net = ((w1·x1 + w2·x2) + …) + b, then the activation, then the
  // loss of class `cls`. Nodes in creation order; op nodes hold their RULES row and operand indices.
  function recordTape(s, net, cls) {
    const t = { kind: [], ref: [], a: [], b: [], op: [], p: [], name: [], unit: [], units: [] };
    function node(kind, ref, op, a, b, p, name, unit) {
      t.kind.push(kind); t.ref.push(ref); t.op.push(op); t.a.push(a); t.b.push(b); t.p.push(p || {});
      t.name.push(name || ""); t.unit.push(unit);
      return t.kind.length - 1;
    }
    const apply = (op, a, b, p, name, unit) => node(OP, 0, op, a, b === undefined ? -1 : b, p, name, unit);
    const params = net.labels.map((label, i) => node(LEAF_PARAM, i, null, -1, -1, null, label, -1));
    let h = [node(LEAF_INPUT, 0, null, -1, -1, null, "x_1", -1), node(LEAF_INPUT, 1, null, -1, -1, null, "x_2", -1)];
    t.inputs = h.slice();
    for (const L of net.layers) {
      const out = [];
      for (let j = 0; j < L.nout; j++) {
        const unit = t.units.length, first = t.kind.length;
        let sum = -1;
        for (let k = 0; k < L.nin; k++) {
          const wk = params[L.weights + j * L.nin + k];
          const m = apply("mul", wk, h[k], null, t.name[wk] + "·" + t.name[h[k]], unit);
          sum = sum < 0 ? m : apply("add", sum, m, null, "Σ 1…" + (k + 1), unit);
        }
        const netNode = apply("add", sum, params[L.biases + j], null, "L" + L.index + ".net_" + (j + 1), unit);
        let o = netNode;
        if (L.act !== "linear") {
          const p = L.act === "leaky_relu" ? { slope: DATA.leakySlope } : null;
          o = apply(ACTIVATION_OP[L.act], netNode, undefined, p, "L" + L.index + ".h_" + (j + 1), unit);
        }
        t.units.push({ layer: L.index, j: j + 1, first, net: netNode, out: o, act: L.act,
          params: [...Array(L.nin).keys()].map((k) => L.weights + j * L.nin + k).concat([L.biases + j]) });
        out.push(o);
      }
      h = out;
    }
    t.output = h[0];
    t.loss = lossNodes(s, t, apply, node, cls);
    t.params = params;
    return finish(t);
  }
  function lossNodes(s, t, apply, node, cls) {
    if (s.loss === "bce") {  // nn.bce_with_logits: softplus(s) for class 0, softplus(−s) for class 1
      if (cls === 0) return apply("softplus", t.output, undefined, null, "L_i", -1);
      return apply("softplus", apply("neg", t.output, undefined, null, "", -1), undefined, null, "L_i", -1);
    }
    const target = node(LEAF_CONST, cls, null, -1, -1, null, "t", -1);  // nn.mse_loss: (t − o)²
    const diff = apply("sub", target, t.output, null, "", -1);
    return apply("pow", diff, undefined, { n: 2 }, "L_i", -1);
  }
  function finish(t) {
    const n = t.kind.length;
    return {
      n, loss: t.loss, output: t.output, inputs: t.inputs, params: t.params, units: t.units, name: t.name, unit: t.unit,
      kind: Int8Array.from(t.kind), ref: Int32Array.from(t.ref), a: Int32Array.from(t.a), b: Int32Array.from(t.b),
      op: t.op, rule: t.op.map((name) => (name ? RULES[name] : null)), p: t.p,
      values: new Float64Array(n), locals: new Float64Array(2 * n), grads: new Float64Array(n),
    };
  }

  // Forward over the tape with the rule table's value and local-gradient functions.
  function forward(tape, w, x, y, withLocals) {
    const { n, kind, ref, a, b, rule, p, values, locals } = tape;
    for (let k = 0; k < n; k++) {
      const kd = kind[k];
      if (kd === OP) {
        const r = rule[k], va = values[a[k]], vb = b[k] >= 0 ? values[b[k]] : 0;
        const out = r.forward(va, vb, p[k]);
        values[k] = out;
        if (withLocals) {
          const g = r.grads(va, vb, out, p[k]);
          locals[2 * k] = g[0];
          locals[2 * k + 1] = b[k] >= 0 ? g[1] : 0;
        }
      } else if (kd === LEAF_PARAM) values[k] = w[ref[k]];
      else if (kd === LEAF_INPUT) values[k] = ref[k] === 0 ? x : y;
      else values[k] = ref[k];
    }
    return values[tape.loss];
  }
  // Backward: each node after all its users (reverse creation order), as autograd.backward does; the
  // parameters' gradients are added to `pgrad`.
  function backward(tape, upstream, pgrad) {
    const { loss, kind, ref, a, b, locals, grads } = tape;
    grads.fill(0, 0, loss + 1);
    grads[loss] = upstream;
    for (let k = loss; k >= 0; k--) {
      const g = grads[k];
      if (g === 0) continue;
      if (kind[k] === OP) {
        grads[a[k]] += locals[2 * k] * g;
        if (b[k] >= 0) grads[b[k]] += locals[2 * k + 1] * g;
      } else if (kind[k] === LEAF_PARAM && pgrad) pgrad[ref[k]] += g;
    }
  }

  // --- the optimizers: nn/optim.py's arithmetic, in its order ------------------------------------------
  class Optimizer {
    constructor(s, size) {
      this.s = s; this.steps = 0;
      this.velocity = new Float64Array(size); this.m = new Float64Array(size); this.v = new Float64Array(size);
      this.saved = { w: new Float64Array(size), velocity: new Float64Array(size), m: new Float64Array(size), v: new Float64Array(size) };
    }
    // A step that overflows is undone whole: the plane keeps the last good boundary.
    save(w) {
      this.saved.w.set(w); this.saved.velocity.set(this.velocity); this.saved.m.set(this.m); this.saved.v.set(this.v);
    }
    restore(w) {
      w.set(this.saved.w); this.velocity.set(this.saved.velocity); this.m.set(this.saved.m); this.v.set(this.saved.v);
      this.steps -= 1;
    }
    step(w, grad, watch) {
      const s = this.s, wd = s.weight_decay, adam = s.optimizer === "adam";
      this.save(w);
      if (adam) {
        const t = this.steps + 1;
        this.stepSize = s.lr / (1 - Math.pow(s.beta1, t));
        this.bc2 = Math.sqrt(1 - Math.pow(s.beta2, t));
      }
      this.steps += 1;
      let record = null;
      for (let i = 0; i < w.length; i++) {
        const g = wd ? grad[i] + wd * w[i] : grad[i];
        if (i === watch) record = { before: w[i], grad: grad[i], g, velocity: this.velocity[i], m: this.m[i], v: this.v[i], t: this.steps };
        const next = w[i] + this.delta(i, g, adam);
        if (!Number.isFinite(next)) {
          const error = new Diverged(i, w[i], grad[i]);
          this.restore(w);
          throw error;
        }
        w[i] = next;
      }
      if (record) Object.assign(record, { after: w[watch], change: this.velocity[watch], mNew: this.m[watch], vNew: this.v[watch] });
      return record;
    }
    delta(i, g, adam) {
      const s = this.s;
      if (adam) {
        const m = this.m[i] = this.m[i] + (g - this.m[i]) * (1 - s.beta1);
        const v = this.v[i] = s.beta2 * this.v[i] + (1 - s.beta2) * g * g;
        return -this.stepSize * m / (Math.sqrt(v) / this.bc2 + s.eps);
      }
      const momentum = s.optimizer === "momentum" ? s.momentum : 0;
      if (!momentum) return -s.lr * g;
      const dw = -s.lr * g + momentum * this.velocity[i];
      this.velocity[i] = dw;
      return dw;
    }
  }
  class Diverged extends Error {
    constructor(i, value, grad) {
      super("the update of " + run.net.labels[i] + " overflows a float (value " + value + ", gradient " + grad +
        "); the learning rate is probably too large. Training stopped before that step (the plane shows the last " +
        "weights that were finite): lower it, or reset.");
    }
  }

  // --- one run: data, weights, optimizer state, batch order, the loss curve -----------------------------
  let run = null;
  function newRun(s) {
    const net = layout(s), data = makeData(s);
    run = {
      s, net, data, w: initialWeights(s, net), grad: new Float64Array(net.size),
      tapes: [recordTape(s, net, 0), recordTape(s, net, 1)], opt: new Optimizer(s, net.size),
      order: generator(s, "order"), epochOrder: null, position: 0, step: 0, epoch: 0,
      curve: [], last: null, picked: run && run.s.data === s.data ? run.picked : null, watch: run ? run.watch : 0,
      diverged: null,
    };
    if (run.watch >= net.size) run.watch = 0;
    if (!run.picked || !pointAt(run.picked)) run.picked = run.data.train.length ? { set: "train", i: 0 } : null;
    measure();
  }
  const batchSize = () => (run.s.batch === 0 ? run.data.train.length : Math.min(run.s.batch, run.data.train.length));

  // nn.data.batches: each epoch a new order (shuffled unless the batch is the whole set), cut in batches.
  function nextBatch() {
    const n = run.data.train.length, size = batchSize();
    if (run.epochOrder === null) {
      run.epochOrder = [...Array(n).keys()];
      if (size < n) run.order.shuffle(run.epochOrder);
      run.position = 0;
    }
    const idx = run.epochOrder.slice(run.position, run.position + size);
    run.position += size;
    if (run.position >= n) { run.epochOrder = null; run.epoch += 1; }
    return idx;
  }

  function trainStep() {
    if (run.diverged || run.data.train.length === 0) return false;
    const before = { order: run.order.state, epochOrder: run.epochOrder, position: run.position, epoch: run.epoch };
    const idx = nextBatch(), grad = run.grad, upstream = idx.length > 1 ? 1.0 / idx.length : 1.0;
    grad.fill(0);
    let total = 0;
    for (const i of idx) {
      const [x, y, c] = run.data.train[i], tape = run.tapes[c];
      total += forward(tape, run.w, x, y, true);
      backward(tape, upstream, grad);
    }
    try {
      run.last = run.opt.step(run.w, grad, run.watch);
    } catch (error) {
      if (!(error instanceof Diverged)) throw error;
      run.diverged = error.message;
      run.order.state = before.order;  // the step not taken: its batch not drawn, its epoch not counted
      Object.assign(run, { epochOrder: before.epochOrder, position: before.position, epoch: before.epoch });
      return false;
    }
    run.last.batch = idx.length;
    run.last.loss = total / idx.length;
    run.step += 1;
    return true;
  }

  // The loss and accuracy of a whole set at the current weights (no gradients).
  function evaluate(points) {
    if (points.length === 0) return null;
    let total = 0, right = 0;
    for (const [x, y, c] of points) {
      const tape = run.tapes[c];
      total += forward(tape, run.w, x, y, false);
      if (predicted(tape.values[tape.output]) === c) right += 1;
    }
    return { loss: total / points.length, accuracy: right / points.length };
  }
  // nn.predict_class: a linear output (a score) is class 1 above 0, a sigmoid output above 0.5.
  const predicted = (out) => (out > (run.s.loss === "bce" ? 0.0 : 0.5) ? 1 : 0);
  const probability = (out) => (run.s.loss === "bce" ? F.sigmoid(out) : out);

  const MAX_CURVE = 1500;
  function measure() {
    const train = evaluate(run.data.train), test = evaluate(run.data.test);
    run.score = { train, test };
    const point = [run.step, train ? train.loss : NaN, test ? test.loss : NaN];
    if (run.curve.length && run.curve[run.curve.length - 1][0] === run.step) run.curve[run.curve.length - 1] = point;  // edited data
    else run.curve.push(point);
    if (run.curve.length > MAX_CURVE) run.curve = run.curve.filter((_, i) => i % 2 === 0 || i === run.curve.length - 1);
  }

  function steps(k) {
    let done = 0;
    while (done < k && trainStep()) done += 1;
    measure();
    return done;
  }
  function oneEpoch() {
    const start = run.epoch;
    let done = 0;
    while (run.epoch === start && trainStep()) done += 1;
    measure();
    return done;
  }

  // --- settings: from the form or the URL fragment, checked against the limits Python sent ------------
  class StateError extends Error {}
  const MAX_STATE = 12000, KEYS = DATA.names;
  function shown(text) { return JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text); }
  function numberSetting(key, text) {
    if (key === "batch" && text.trim() === "full") return 0;
    const [low, high, whole] = LIMITS[key];
    const ok = text.length <= 24 && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text.trim());
    const x = ok ? Number(text.trim()) : NaN;
    if (!(x >= low && x <= high) || (whole && !Number.isInteger(x))) {
      const full = key === "batch" ? " (or full)" : "";
      throw new StateError(key + " must be " + (whole ? "a whole number" : "a number") + " from " + low + " to " + high + full + ", not " + shown(text) + ".");
    }
    return x;
  }
  function hiddenSetting(text) {
    const t = text.trim();
    if (t === "" || t === "none") return [];
    if (!/^\d{1,2}(,\d{1,2})*$/.test(t.replace(/\s+/g, ""))) throw new StateError("hidden must list layer sizes like 4,4, not " + shown(text) + ".");
    const sizes = t.replace(/\s+/g, "").split(",").map(Number);
    if (sizes.length > DATA.maxLayers || sizes.some((u) => u < 1 || u > DATA.maxUnits)) {
      throw new StateError("hidden takes up to " + DATA.maxLayers + " layers of 1 to " + DATA.maxUnits + " units, not " + shown(text) + ".");
    }
    return sizes;
  }
  function pointsSetting(text) {
    if (text === "") return [];
    const items = text.split(";");
    if (items.length > DATA.maxPoints) throw new StateError("points holds more than " + DATA.maxPoints + " points.");
    return items.map((item) => {
      const m = /^(-?\d{1,2}(?:\.\d{1,6})?),(-?\d{1,2}(?:\.\d{1,6})?),([01])(,1)?$/.exec(item);
      const x = m ? Number(m[1]) : NaN, y = m ? Number(m[2]) : NaN;
      if (!(Math.abs(x) <= DATA.pointBound && Math.abs(y) <= DATA.pointBound)) {
        throw new StateError("a point must read x,y,class (x,y,class,1 for a test point) within ±" + DATA.pointBound + " with class 0 or 1, not " + shown(item) + ".");
      }
      return m[4] ? [x, y, Number(m[3]), 1] : [x, y, Number(m[3])];
    });
  }
  // Settings from texts by name: every one checked, the whole refused at the first wrong one. What is
  // read but not used is said in `notes`.
  function parseSettings(texts, base, notes) {
    const s = JSON.parse(JSON.stringify(base));
    for (const [key, text] of texts) {
      if (!KEYS.includes(key)) throw new StateError("it has an unknown setting " + shown(key) + ".");
      if (CHOICES[key]) {
        if (!CHOICES[key].includes(text)) throw new StateError(key + " must be one of " + CHOICES[key].join(", ") + ", not " + shown(text) + ".");
        s[key] = text;
      } else if (key === "hidden") s.hidden = hiddenSetting(text);
      else if (key === "points") s.points = pointsSetting(text);
      else s[key] = numberSetting(key, text);
    }
    if (s.data === "custom" && !s.points.some((p) => p.length === 3)) throw new StateError("data=custom needs at least one training point.");
    if (s.data !== "custom" && s.points.length && notes) notes.push("its points were not used: they are read only with data=custom.");
    if (s.data !== "custom") s.points = [];
    return s;
  }
  const pointText = (points) => points.map((p) => p.join(",")).join(";");  // x,y,class[,1 for a test point]
  function settingText(s, key) {
    if (key === "hidden") return s.hidden.join(",");
    if (key === "batch" && s.batch === 0) return "full";
    if (key === "points") return pointText(s.points);
    return String(s[key]);
  }

  // The URL fragment holds only what differs from the page as written.
  function stateText() {
    const p = new URLSearchParams();
    for (const key of KEYS) {
      const text = settingText(run.s, key);
      if (text !== settingText(DATA.settings, key)) p.set(key, text);
    }
    return p.toString().replace(/%2C/g, ",").replace(/%3B/g, ";");
  }
  function writeState() {
    const text = stateText();
    if (location.hash.replace(/^#/, "") === text) return;
    try {
      history.replaceState(null, "", text ? "#" + text : location.href.split("#")[0]);
    } catch (error) {
      // A sandboxed notebook frame has no URL of its own to keep the state in; the page works the same.
    }
  }
  function readState(hash) {
    const text = hash.replace(/^#/, "");
    if (text === "") return false;
    try {
      if (text.length > MAX_STATE) throw new StateError("it is longer than " + MAX_STATE + " characters.");
      const entries = Array.from(new URLSearchParams(text)), seen = new Set();
      for (const [key] of entries) {
        if (seen.has(key)) throw new StateError("it gives " + shown(key) + " twice.");
        seen.add(key);
      }
      const notes = [];
      start(parseSettings(entries, DATA.settings, notes));
      showNote(notes.length ? "This link's settings are in use, but " + notes.join(" ") : null);
      return true;
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      showNote("This link's settings were not used: " + error.message);
      return false;
    }
  }
  function showNote(message) {
    $("note").textContent = message || "";
    $("note").hidden = !message;
  }

  // --- the views ---------------------------------------------------------------------------------------
  function pointAt(ref) {
    const set = run.data[ref.set];
    return set && ref.i < set.length ? set[ref.i] : null;
  }
  function setupCanvas(canvas) {
    const ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return { ctx, w, h };
  }

  const GRID = 40;
  const shade = document.createElement("canvas");
  shade.width = shade.height = GRID;
  function drawPlane() {
    const { ctx, w, h } = setupCanvas($("plane"));
    const image = shade.getContext("2d").createImageData(GRID, GRID), tape = run.tapes[0];
    let unknown = 0;
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        const x = -BOX + (2 * BOX * (c + 0.5)) / GRID, y = BOX - (2 * BOX * (r + 0.5)) / GRID;
        forward(tape, run.w, x, y, false);
        // A place whose output is not a number (an overflowing network) stays plain, not black.
        const out = probability(tape.values[tape.output]), q = Number.isNaN(out) ? 0.5 : out;
        if (Number.isNaN(out)) unknown += 1;
        const strength = Math.min(1, Math.abs(q - 0.5) * 2) * 0.55;
        const colour = q >= 0.5 ? [37, 99, 235] : [234, 88, 12], o = 4 * (r * GRID + c);
        for (let i = 0; i < 3; i++) image.data[o + i] = Math.round(255 + (colour[i] - 255) * strength);
        image.data[o + 3] = 255;
      }
    }
    shade.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(shade, 0, 0, w, h);
    const px = (x) => ((x + BOX) / (2 * BOX)) * w, py = (y) => ((BOX - y) / (2 * BOX)) * h;
    ctx.strokeStyle = "rgba(17,24,39,0.25)";
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(px(0), 0); ctx.lineTo(px(0), h); ctx.moveTo(0, py(0)); ctx.lineTo(w, py(0)); ctx.stroke();
    for (const set of ["train", "test"]) {
      run.data[set].forEach(([x, y, c]) => {
        ctx.beginPath(); ctx.arc(px(x), py(y), 4.5, 0, 2 * Math.PI);
        ctx.fillStyle = set === "train" ? (c ? BLUE : ORANGE) : "#ffffff";
        ctx.strokeStyle = set === "train" ? "#ffffff" : (c ? BLUE : ORANGE);
        ctx.lineWidth = set === "train" ? 1.2 : 2.2;
        ctx.fill(); ctx.stroke();
      });
    }
    const p = run.picked && pointAt(run.picked);
    if (p) {
      ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 9, 0, 2 * Math.PI);
      ctx.strokeStyle = INK; ctx.lineWidth = 2.5; ctx.stroke();
    }
    // The axes' labels over the points, each on a white halo so that a point under it does not hide it.
    ctx.font = "13px system-ui, sans-serif";
    halo(ctx, "x₁ →", w - 36, py(0) - 6); halo(ctx, "x₂ ↑", px(0) + 5, 15);
    halo(ctx, "−1", px(-1) - 7, py(0) + 15); halo(ctx, "1", px(1) - 3, py(0) + 15);
    if (unknown) halo(ctx, "no boundary: the output is not a number", 8, h - 10);
    else if (run.diverged) halo(ctx, "stopped: the last finite weights' boundary", 8, h - 10);
  }
  function halo(ctx, text, x, y) {
    ctx.lineJoin = "round"; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.lineWidth = 4;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = INK; ctx.fillText(text, x, y);
  }

  const JOINED = 25;
  function drawCurve() {
    const { ctx, w, h } = setupCanvas($("curve"));
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, w, h);
    const pts = run.curve, bottom = h - 20, top = 8, right = w - 8;
    let high = 0;
    for (const [, a, b] of pts) high = Math.max(high, Number.isFinite(a) ? a : 0, Number.isFinite(b) ? b : 0);
    high = high > 0 ? high * 1.05 : 1;
    ctx.font = "12px system-ui, sans-serif";
    const highText = axisNumber(high), left = Math.max(40, ctx.measureText(highText).width + 10);
    const last = Math.max(1, pts.length ? pts[pts.length - 1][0] : 1);
    const X = (step) => left + ((right - left) * step) / last, Y = (v) => bottom - ((bottom - top) * v) / high;
    ctx.strokeStyle = "#d1d5db"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.textAlign = "right";
    ctx.fillText(highText, left - 4, top + 10); ctx.fillText("0", left - 4, bottom);
    $("curve").setAttribute("aria-label", "the loss over the steps, train and test: from 0 to " + highText + ", steps 0 to " + last);
    ctx.fillText("step " + last, right, h - 4);
    ctx.textAlign = "start";
    // A mark for each step measured; frames in a row while playing are joined (at most JOINED steps apart,
    // the fastest speed), a longer jump (playground.steps(3000)) is not: no line over steps not seen.
    for (const [column, colour] of [[1, INK], [2, "#7c3aed"]]) {
      ctx.fillStyle = ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
      let previous = null;
      for (const p of pts) {
        if (!Number.isFinite(p[column])) continue;
        if (previous && p[0] - previous[0] <= JOINED) {
          ctx.beginPath(); ctx.moveTo(X(previous[0]), Y(previous[column])); ctx.lineTo(X(p[0]), Y(p[column])); ctx.stroke();
        }
        previous = p;
        if (column === 1) ctx.fillRect(X(p[0]) - 1.5, Y(p[column]) - 1.5, 3, 3);
        else { ctx.beginPath(); ctx.arc(X(p[0]), Y(p[column]), 1.8, 0, 2 * Math.PI); ctx.fill(); }
      }
    }
  }
  // An axis bound short enough for the margin: 0.6931, 45.2, 1.3e12.
  const axisNumber = (x) => (x >= 1e4 || (x > 0 && x < 1e-3) ? x.toExponential(1).replace("e+", "e").replace("-", "−") : number(x));

  // One name for each column in every view: nn's layer label (L1, L2, …) over a plain title.
  function columnName(l, columns) {
    if (l === 0) return ["x", "inputs"];
    if (l === columns) return ["Lᵢ", "loss"];
    return ["L" + l, l === columns - 1 ? "output" : "layer " + l];
  }

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const key in attrs) e.setAttribute(key, attrs[key]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The network neuron by neuron: a column per layer, an edge per weight (width |w|, colour its sign).
  // A canvas, not SVG: a few hundred edges change every frame, and a canvas redraws them in a blink.
  const TOP = 46;  // the columns' titles: "L1" over "layer 1"
  function networkGeometry() {
    const canvas = $("network"), widths = [2, ...run.s.hidden, 1];
    const H = Math.max(180, 26 * Math.max(...widths) + TOP + 10);
    if (canvas.style.height !== H + "px") canvas.style.height = H + "px";
    const W = canvas.clientWidth;
    const xOf = (l) => 30 + ((W - 60) * l) / (widths.length - 1);
    const yOf = (l, j) => TOP + ((H - TOP - 10) * (j + 0.5)) / widths[l];
    const edges = [];
    run.net.layers.forEach((L, l) => {
      for (let j = 0; j < L.nout; j++) {
        for (let k = 0; k < L.nin; k++) edges.push({ i: L.weights + j * L.nin + k, x1: xOf(l), y1: yOf(l, k), x2: xOf(l + 1), y2: yOf(l + 1, j) });
      }
    });
    return { widths, xOf, yOf, edges };
  }
  function drawNetwork() {
    const geo = networkGeometry(), { ctx, w, h } = setupCanvas($("network"));  // its CSS height first
    ctx.clearRect(0, 0, w, h);
    for (const e of geo.edges) {
      const v = run.w[e.i], watched = e.i === run.watch;
      ctx.strokeStyle = watched ? "#7c3aed" : v >= 0 ? BLUE : ORANGE;
      ctx.globalAlpha = watched ? 1 : 0.85;
      ctx.lineWidth = Math.max(watched ? 2.5 : 0, Math.min(7, 0.4 + 2.2 * Math.abs(v)));
      ctx.beginPath(); ctx.moveTo(e.x1, e.y1); ctx.lineTo(e.x2, e.y2); ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.textAlign = "center";
    geo.widths.forEach((n, l) => {
      const [name, title] = columnName(l, geo.widths.length);
      ctx.fillStyle = INK; ctx.font = "600 14px system-ui, sans-serif"; ctx.fillText(name, geo.xOf(l), 15);
      ctx.fillStyle = MUTED; ctx.font = "12px system-ui, sans-serif"; ctx.fillText(title, geo.xOf(l), 30);
      for (let j = 0; j < n; j++) {
        ctx.beginPath(); ctx.arc(geo.xOf(l), geo.yOf(l, j), 8, 0, 2 * Math.PI);
        ctx.fillStyle = "#ffffff"; ctx.fill(); ctx.strokeStyle = INK; ctx.lineWidth = 1.5; ctx.stroke();
      }
    });
    ctx.textAlign = "start";
  }
  // A click on an edge watches its weight (the nearest edge within 6 pixels).
  function networkClick(event) {
    const rect = $("network").getBoundingClientRect(), x = event.clientX - rect.left, y = event.clientY - rect.top;
    let best = null, bestD = 6;
    for (const e of networkGeometry().edges) {
      const dx = e.x2 - e.x1, dy = e.y2 - e.y1, t = Math.max(0, Math.min(1, ((x - e.x1) * dx + (y - e.y1) * dy) / (dx * dx + dy * dy)));
      const d = Math.hypot(e.x1 + t * dx - x, e.y1 + t * dy - y);
      if (d < bestD) { best = e.i; bestD = d; }
    }
    if (best !== null) watch(best);
  }
  function watch(i) {
    run.watch = i;
    run.last = null;
    $("weight").value = String(i);
    draw();
  }

  // The picked point's graph, collapsed by neuron: inputs, each neuron's net and output, the loss.
  let graphView = null, openUnit = null;
  function buildGraph() {
    // The loss box sits under the output's, so that a 2-4-4-1 network fits 1024 pixels at 14 px text.
    const tape = run.tapes[0], widths = [2, ...run.s.hidden, 1], columns = widths.length;
    const boxW = 216, boxH = 44, gap = 28, top = 44, W = columns * boxW + (columns - 1) * gap + 20;
    const outY = top + ((Math.max(...widths) - 1) * (boxH + 8)) / 2, lossY = outY + boxH + 34;
    const H = Math.max(Math.max(...widths) * (boxH + 8) + top + 10, lossY + boxH + 10);
    const svg = $("graph");
    svg.replaceChildren();
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("width", String(W)); svg.setAttribute("height", String(H));
    const xOf = (col) => 10 + col * (boxW + gap), yOf = (col, j, n) => top + j * (boxH + 8) + ((Math.max(...widths) - n) * (boxH + 8)) / 2;
    const boxes = [], wires = svgEl("g", { class: "wires" }), layer = svgEl("g", {});
    svg.append(wires, layer);
    const place = (col, j, n) => ({ x: xOf(col), y: yOf(col, j, n) });
    for (let col = 0; col < columns; col++) {
      const [name, title] = columnName(col, columns);
      layer.append(svgEl("text", { x: xOf(col) + boxW / 2, y: 16, "text-anchor": "middle", class: "layer-name" }, name),
        svgEl("text", { x: xOf(col) + boxW / 2, y: 32, "text-anchor": "middle", class: "layer-title" }, title));
    }
    tape.inputs.forEach((k, j) => boxes.push(box(layer, place(0, j, 2), boxW, boxH, tape.name[k], k, null)));
    tape.units.forEach((u, i) => {
      const col = u.layer, n = widths[u.layer];
      boxes.push(box(layer, place(col, u.j - 1, n), boxW, boxH, u.act === "linear" ? tape.name[u.net] : tape.name[u.out], u.out, i));
    });
    // Wires from each box to the boxes of the next column (the graph's edges, collapsed).
    const byCol = new Map();
    boxes.forEach((b) => { const list = byCol.get(b.x) || []; list.push(b); byCol.set(b.x, list); });
    const cols = [...byCol.keys()].sort((p, q) => p - q);
    for (let c = 0; c + 1 < cols.length; c++) {
      for (const from of byCol.get(cols[c])) {
        for (const to of byCol.get(cols[c + 1])) {
          wires.append(svgEl("line", { x1: from.x + boxW, y1: from.y + boxH / 2, x2: to.x, y2: to.y + boxH / 2 }));
        }
      }
    }
    const [lossName, lossTitle] = columnName(columns, columns), lossX = xOf(columns - 1);
    layer.append(svgEl("text", { x: lossX + boxW / 2, y: lossY - 8, "text-anchor": "middle", class: "layer-title" }, "↓ " + lossTitle + " " + lossName));
    boxes.push(box(layer, { x: lossX, y: lossY }, boxW, boxH, lossName, -1, null));  // -1: each class's own loss node
    graphView = { boxes };
  }
  function box(parent, at, w, h, name, node, unit) {
    const g = svgEl("g", { class: "box", transform: "translate(" + at.x + "," + at.y + ")", tabindex: unit === null ? "-1" : "0" });
    g.append(svgEl("rect", { width: w, height: h, rx: 5 }));
    const head = svgEl("text", { x: 6, y: 18, class: "box-name" }, name);
    const value = svgEl("text", { x: w - 6, y: 18, "text-anchor": "end", class: "box-value" });
    const grad = svgEl("text", { x: w - 6, y: 37, "text-anchor": "end", class: "box-grad" });
    g.append(head, value, grad, svgEl("text", { x: 6, y: 37, class: "box-key" }, "∂Lᵢ/∂" + name));
    if (unit !== null) {
      g.dataset.unit = String(unit);
      g.addEventListener("click", () => { openUnit = openUnit === unit ? null : unit; draw(); });
      g.addEventListener("keydown", (e) => { if (e.key === "Enter") { openUnit = openUnit === unit ? null : unit; draw(); } });
    }
    parent.append(g);
    return { x: at.x, y: at.y, node, unit, g, value, grad };
  }
  // The picked point through the network at the current weights: forward and backward of its own loss.
  function pickedPass() {
    const p = run.picked && pointAt(run.picked);
    if (!p) return null;
    const tape = run.tapes[p[2]];
    forward(tape, run.w, p[0], p[1], true);
    backward(tape, 1.0, null);
    return { p, tape };
  }
  function drawGraph() {
    const pass = pickedPass();
    $("graph-title").textContent = pass
      ? "the graph of point (" + number(pass.p[0]) + ", " + number(pass.p[1]) + "), class " + pass.p[2] + " (" + run.picked.set + " set)"
      : "the picked point's graph: pick a point on the plane";
    for (const b of graphView.boxes) {
      const k = pass && (b.node < 0 ? pass.tape.loss : b.node);
      b.value.textContent = pass ? number(pass.tape.values[k]) : "";
      b.grad.textContent = pass ? number(pass.tape.grads[k]) : "";
      b.g.classList.toggle("open", b.unit !== null && b.unit === openUnit);
    }
    drawInside(pass);
  }
  // An opened neuron: each of its nodes with its operation, value, local gradients and gradient.
  function drawInside(pass) {
    const inside = $("inside");
    if (!pass || openUnit === null || openUnit >= pass.tape.units.length) { inside.replaceChildren(); return; }
    const t = pass.tape, u = t.units[openUnit], rows = [];
    const name = (k) => t.name[k] || "(" + t.op[k] + " #" + k + ")";
    for (let k = u.first; k <= u.out; k++) {
      if (t.kind[k] !== OP || t.unit[k] !== openUnit) continue;
      const operands = [t.a[k], t.b[k]].filter((q) => q >= 0);
      const locals = operands.map((q, i) => "∂/∂" + name(q) + " = " + number(t.locals[2 * k + i])).join("; ");
      rows.push([name(k), t.op[k] + "(" + operands.map(name).join(", ") + ")", number(t.values[k]), locals, number(t.grads[k])]);
    }
    for (const i of u.params) rows.push([run.net.labels[i], "parameter", number(run.w[i]), "", number(t.grads[t.params[i]])]);
    const table = document.createElement("table");
    const head = table.insertRow();
    for (const text of ["node", "operation", "value", "local gradients", "∂Lᵢ/∂node"]) head.append(Object.assign(document.createElement("th"), { textContent: text }));
    for (const row of rows) {
      const tr = table.insertRow();
      row.forEach((text) => { tr.insertCell().textContent = text; });
    }
    const caption = document.createElement("caption");
    caption.textContent = "inside " + t.name[u.out] + " (click its box again to close)";
    table.prepend(caption);
    inside.replaceChildren(table);
  }

  // The chosen weight's last update written out as nn.optim_explain writes it (6 significant digits): with
  // weight decay λ the step is along (∂L/∂w + λ·w), bracketed with its numbers.
  // Python's f"{x:.6g}" writes an exponent signed and with two digits at least (1e−08, 2e+20).
  const n6 = (x) => number(x, 6).replace(/e(\u2212?)(\d+)$/, (_, sign, d) => "e" + (sign || "+") + d.padStart(2, "0"));
  const f6 = (x) => (x < 0 ? "(" + n6(x) + ")" : n6(x));
  function updateText() {
    const r = run.last, s = run.s, w = run.net.labels[run.watch];
    if (!r) return "No step yet: press step or play.";
    const wd = s.weight_decay;
    const grad = wd ? "(∂L/∂" + w + " + λ·" + w + ")" : "∂L/∂" + w;
    const g = wd ? "(" + f6(r.grad) + " + " + f6(wd) + " · " + f6(r.before) + ")" : f6(r.g);
    const lines = ["step " + run.step + ", on a batch of " + r.batch + "; ∂L/∂" + w + " = " + n6(r.grad) + " (the batch's mean)"];
    if (s.optimizer === "adam") {
      const t = r.t, b1 = s.beta1, b2 = s.beta2;
      const mHat = r.mNew / (1 - Math.pow(b1, t)), vHat = r.vNew / (1 - Math.pow(b2, t));
      const square = (wd ? grad : "(" + grad + ")") + "²";
      lines.push(
        "m = β₁·m + (1 − β₁)·" + grad + " = " + f6(b1) + " · " + f6(r.m) + " + " + f6(1 - b1) + " · " + g + " = " + n6(r.mNew),
        "v = β₂·v + (1 − β₂)·" + square + " = " + f6(b2) + " · " + f6(r.v) + " + " + f6(1 - b2) + " · " + g + "² = " + n6(r.vNew),
        "m̂ = m/(1 − β₁^t) = " + f6(r.mNew) + "/(1 − " + f6(b1) + "^" + t + ") = " + n6(mHat),
        "v̂ = v/(1 − β₂^t) = " + f6(r.vNew) + "/(1 − " + f6(b2) + "^" + t + ") = " + n6(vHat),
        w + " ← " + w + " − η·m̂/(√v̂ + ε) = " + f6(r.before) + " − " + f6(s.lr) + " · " + f6(mHat) + "/(√" + f6(vHat) + " + " + f6(s.eps) + ") = " + n6(r.after));
    } else if (s.optimizer === "momentum" && s.momentum) {
      lines.push(
        "Δ" + w + "(t) = −η·" + grad + " + α·Δ" + w + "(t − 1) = −" + f6(s.lr) + " · " + g + " + " + f6(s.momentum) + " · " + f6(r.velocity) + " = " + n6(r.change),
        w + " ← " + w + " + Δ" + w + "(t) = " + f6(r.before) + " + " + f6(r.change) + " = " + n6(r.after));
    } else {
      lines.push(w + " ← " + w + " − η·" + grad + " = " + f6(r.before) + " − " + f6(s.lr) + " · " + g + " = " + n6(r.after));
    }
    return lines.join("\n");
  }

  function statusText() {
    const sc = run.score, pct = (x) => (100 * x).toFixed(1) + "%";
    const number = (x) => (Number.isFinite(x) ? axisNumber(x) : "not a number (overflow)");
    let text = "step " + run.step + " · epoch " + run.epoch;
    if (sc.train) text += " · train loss " + number(sc.train.loss) + ", accuracy " + pct(sc.train.accuracy);
    if (sc.test) text += " · test loss " + number(sc.test.loss) + ", accuracy " + pct(sc.test.accuracy);
    return text;
  }

  function draw() {
    drawPlane();
    drawCurve();
    drawNetwork();
    drawGraph();
    $("update").textContent = updateText();
    $("status").textContent = statusText();
    $("error").textContent = run.diverged || "";
    $("error").hidden = !run.diverged;
  }

  // --- controls ------------------------------------------------------------------------------------------
  let playing = false, frame = 0;
  function play(on) {
    playing = on && !run.diverged;
    $("play").textContent = playing ? "\u275a\u275a pause" : "▶ play";
    if (playing && !frame) frame = requestAnimationFrame(tick);
  }
  function tick() {
    frame = 0;
    if (!playing) return;
    steps(Number($("speed").value));
    draw();
    if (run.diverged) play(false);
    if (playing) frame = requestAnimationFrame(tick);
  }
  function start(s) {
    newRun(s);
    buildGraph();
    openUnit = null;
    fillForm();
    fillWeights();
    writeState();
    draw();
  }

  function fillForm() {
    const form = $("settings");
    for (const key of Object.keys(CHOICES)) {
      const select = form.elements[key];
      if (!select.options.length) {
        for (const c of CHOICES[key]) select.append(Object.assign(document.createElement("option"), { value: c, textContent: c }));
      }
    }
    for (const key of KEYS) if (form.elements[key]) form.elements[key].value = settingText(run.s, key);
    form.elements.n.disabled = form.elements.noise.disabled = form.elements.test.disabled = run.s.data === "custom";
    form.querySelectorAll(".for-momentum").forEach((e) => { e.hidden = run.s.optimizer !== "momentum"; });
    form.querySelectorAll(".for-adam").forEach((e) => { e.hidden = run.s.optimizer !== "adam"; });
  }
  function fillWeights() {
    const select = $("weight");
    select.replaceChildren(...run.net.labels.map((label, i) => Object.assign(document.createElement("option"), { value: String(i), textContent: label })));
    select.value = String(run.watch);
  }
  // One field applied: only the field edited is read, onto the settings in use. A refused value is put
  // back to the one in use, and the note names the field and says why.
  function applyForm(event) {
    const form = $("settings");
    const field = event.type === "submit" ? document.activeElement : event.target;
    if (!field || field.form !== form || !KEYS.includes(field.name)) return;
    const key = field.name, base = Object.assign({}, run.s);
    if (key === "data" && field.value === "custom" && run.s.data !== "custom") base.points = currentPoints();
    try {
      const s = parseSettings([[key, field.value]], base);
      showNote(null);
      play(false);
      start(s);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      const label = field.closest("label").firstChild.textContent.trim(), kept = settingText(run.s, key);
      field.value = kept;
      showNote("Not applied: the field " + label + " (" + key + "): " + error.message + " It shows the value in use, " + kept + ", again.");
      field.focus();
    }
  }
  // The points shown now, rounded to 0.01 so that a link carries them exactly; a test point keeps its
  // mark (a 4th item 1) and a point outside the plane is kept (within ±pointBound).
  const round = (x) => Math.max(-DATA.pointBound, Math.min(DATA.pointBound, Math.round(x * 100) / 100));
  function currentPoints() {
    const mark = (set) => run.data[set].map(([x, y, c]) => (set === "test" ? [round(x), round(y), c, 1] : [round(x), round(y), c]));
    return mark("train").concat(mark("test"));
  }

  // A click on the plane: pick the nearest point, or (editing) add one or remove the one clicked.
  function planeClick(event) {
    const canvas = $("plane"), rect = canvas.getBoundingClientRect();
    const x = -BOX + (2 * BOX * (event.clientX - rect.left)) / rect.width, y = BOX - (2 * BOX * (event.clientY - rect.top)) / rect.height;
    const near = nearest(x, y, (2 * BOX * 10) / rect.width);
    if (document.querySelector("input[name=click]:checked").value === "pick") {
      if (near) { run.picked = near; draw(); }
      return;
    }
    editPoints(near, x, y, event.shiftKey ? 1 : 0);
  }
  function nearest(x, y, radius) {
    let best = null, bestD = radius;
    for (const set of ["train", "test"]) {
      run.data[set].forEach((p, i) => {
        const d = Math.hypot(p[0] - x, p[1] - y);
        if (d <= bestD) { best = { set, i }; bestD = d; }
      });
    }
    return best;
  }
  // Editing makes the data the user's own (data=custom), every point kept: a new point is a training
  // point, the test points stay test points. The weights, the optimizer and the loss curve go on.
  function editPoints(near, x, y, cls) {
    const points = currentPoints(), nTrain = run.data.train.length;
    let what;
    if (near) {
      const k = near.set === "train" ? near.i : nTrain + near.i, p = points[k];
      points.splice(k, 1);
      what = "Removed the " + near.set + " point (" + p[0] + ", " + p[1] + "), class " + p[2];
    } else if (points.length >= DATA.maxPoints) {
      showNote("Not added: a data set holds at most " + DATA.maxPoints + " points (as many as the points field allows); remove one first.");
      return;
    } else {
      points.splice(nTrain, 0, [round(x), round(y), cls]);
      what = "Added a training point (" + round(x) + ", " + round(y) + "), class " + cls;
    }
    setPoints(points, what);
  }
  function setPoints(points, what) {
    const wasCustom = run.s.data === "custom", s = Object.assign({}, run.s, { data: "custom", points });
    run.s = s;
    run.opt.s = s;
    run.data = makeData(s);
    run.epochOrder = null;
    if (!run.picked || !pointAt(run.picked)) run.picked = run.data.train.length ? { set: "train", i: 0 } : null;
    const sizes = run.data.train.length + " training and " + run.data.test.length + " test points";
    showNote(what + ". " + (wasCustom ? "" : "The data are now your own (data custom, every point rounded to 0.01 so that the link holds it): ") +
      sizes + "; training goes on from step " + run.step + " on them." + (run.data.train.length ? "" : " No training point left: add one to train again."));
    measure();
    fillForm();
    writeState();
    draw();
  }

  function wire() {
    $("play").addEventListener("click", () => play(!playing));
    $("step").addEventListener("click", () => { play(false); steps(1); draw(); });
    $("epoch").addEventListener("click", () => { play(false); oneEpoch(); draw(); });
    $("reset").addEventListener("click", () => { play(false); start(run.s); });
    $("plane").addEventListener("click", planeClick);
    $("weight").addEventListener("change", () => watch(Number($("weight").value)));
    $("network").addEventListener("click", networkClick);
    $("to-graph").addEventListener("click", () => $("graph-box").scrollIntoView({ block: "start" }));
    const form = $("settings");
    form.addEventListener("change", applyForm);
    form.addEventListener("submit", (e) => { e.preventDefault(); applyForm(e); });
    document.addEventListener("keydown", (e) => {
      if (e.target.closest && e.target.closest("input, select, textarea")) return;
      if (e.key === " ") { e.preventDefault(); play(!playing); }
      else if (e.key === "ArrowRight") { play(false); steps(1); draw(); }
      else if (e.key === "r") { play(false); start(run.s); }
    });
    window.addEventListener("hashchange", () => { play(false); readState(location.hash); writeState(); });
    window.addEventListener("resize", () => draw());
  }

  wire();
  const linked = location.hash;
  start(DATA.settings);
  if (linked && !readState(linked)) writeState();

  // For the tests and the benchmark: the page's state as plain data.
  window.playground = {
    steps: (k) => { const done = steps(k); draw(); return done; },
    epoch: () => { const done = oneEpoch(); draw(); return done; },
    reset: () => start(run.s),
    weights: () => Array.from(run.w),
    labels: () => run.net.labels.slice(),
    settings: () => JSON.parse(JSON.stringify(run.s)),
    points: () => ({ train: run.data.train.map((p) => p.slice()), test: run.data.test.map((p) => p.slice()) }),
    state: () => ({ step: run.step, epoch: run.epoch, score: run.score, diverged: run.diverged, playing }),
    bench: (k) => {  // milliseconds for k training steps, views not drawn (benchmarks/playground.py)
      const t0 = performance.now();
      for (let i = 0; i < k; i++) trainStep();
      return performance.now() - t0;
    },
  };
})();
