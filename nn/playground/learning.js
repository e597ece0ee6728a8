// chainrule's training playground. A small MLP trains on a 2-D data set in the browser. Every value and
// local gradient comes from RULES (the rule table translated from its own text, defined above): this file
// knows no derivative. The generator, the data, the initialisation, the batch order and the optimizers'
// arithmetic repeat nn/playground/*.py and nn/optim.py operation for operation, so that a Python run with
// the same settings ends with the same weights. Text is only ever written with textContent.
// This file: the constants, the generator, the data, the network's tape and the optimizers.

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
