// chainrule's training playground. A small MLP trains on a 2-D data set in the browser. Every value and
// local gradient comes from RULES (the rule table translated from its own text, defined above): this file
// knows no derivative. The generator, the data, the initialisation, the batch order and the optimizers'
// arithmetic repeat nn/playground/*.py and nn/optim.py operation for operation, so that a Python run with
// the same settings ends with the same weights. Text is only ever written with textContent.
// This file: the constants, the generator, the data, the network's tape and the optimizers.

  const DATA = JSON.parse(document.getElementById("playground-data").textContent);
  const { number } = pageCompute(DATA.digits, DATA.extraDigits);
  const LIMITS = DATA.limits, CHOICES = DATA.choices, BOX = DATA.box;
  const SVG = "http://www.w3.org/2000/svg";
  const BLUE = "#2563eb", ORANGE = "#c2410c", INK = "#111827", MUTED = "#4b5563";
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

  // One sample's graph, as nn builds it, recorded once as its evaluation trace in the program form that
  // autograd.trace.Trace.to_json writes and Program (autograd/page/program.js) runs: the inputs are the
  // parameters in nn's order, then the point's x_1 and x_2; then net = ((w1·x1 + w2·x2) + …) + b, the
  // activation, then the loss of class `cls` (its target a constant written into the program).
  function recordTape(s, net, cls) {
    const inputs = net.labels.map((label) => ({ label, value: 0 }));
    inputs.push({ label: "x_1", value: 0 }, { label: "x_2", value: 0 });
    const steps = [], unitOf = [], units = [];
    const apply = (op, args, params, label, unit) => {
      steps.push({ op, args, params: params || {}, label: label || null });
      unitOf.push(unit);
      return inputs.length + steps.length - 1;
    };
    const params = net.labels.map((_, i) => i);
    let h = [net.size, net.size + 1];
    const xs = h.slice();
    const name = (k) => (k < inputs.length ? inputs[k].label : steps[k - inputs.length].label);
    for (const L of net.layers) {
      const out = [];
      for (let j = 0; j < L.nout; j++) {
        const unit = units.length, first = inputs.length + steps.length;
        let sum = -1;
        for (let k = 0; k < L.nin; k++) {
          const wk = params[L.weights + j * L.nin + k];
          const m = apply("mul", [wk, h[k]], null, name(wk) + "·" + name(h[k]), unit);
          sum = sum < 0 ? m : apply("add", [sum, m], null, "Σ 1…" + (k + 1), unit);
        }
        const netNode = apply("add", [sum, params[L.biases + j]], null, "L" + L.index + ".net_" + (j + 1), unit);
        let o = netNode;
        if (L.act !== "linear") {  // every other activation the playground offers is a rule-table op
          const p = L.act === "leaky_relu" ? { slope: DATA.leakySlope } : null;
          o = apply(L.act, [netNode], p, "L" + L.index + ".h_" + (j + 1), unit);
        }
        units.push({ layer: L.index, j: j + 1, first, net: netNode, out: o, act: L.act,
          params: [...Array(L.nin).keys()].map((k) => L.weights + j * L.nin + k).concat([L.biases + j]) });
        out.push(o);
      }
      h = out;
    }
    const output = h[0], loss = lossStep(s, apply, output, cls);
    const program = Program.load({ inputs, steps, outputs: [loss] });
    const n = program.n, { values, locals } = Program.buffers(program);
    return {
      program, n, loss, output, inputs: xs, params, units,
      name: program.label.map((label) => label || ""), unit: Int32Array.from([...inputs.map(() => -1), ...unitOf]),
      op: program.op, a: program.a, b: program.b, values, locals, grads: new Float64Array(program.size),
    };
  }
  function lossStep(s, apply, output, cls) {
    if (s.loss === "bce") {  // nn.bce_with_logits: softplus(s) for class 0, softplus(−s) for class 1
      if (cls === 0) return apply("softplus", [output], null, "L_i", -1);
      return apply("softplus", [apply("neg", [output], null, "", -1)], null, "L_i", -1);
    }
    const diff = apply("sub", [{ literal: cls }, output], null, "", -1);  // nn.mse_loss: (t − o)²
    return apply("pow", [diff], { n: 2 }, "L_i", -1);
  }

  // Forward over the tape: the weights and the point are the program's inputs; Program runs the rule
  // table's value and local-gradient functions.
  function forward(tape, w, x, y, withLocals) {
    const values = tape.values;
    values.set(w);
    values[w.length] = x;
    values[w.length + 1] = y;
    Program.evaluate(tape.program, values, withLocals ? tape.locals : null, false);
    return values[tape.loss];
  }
  // Backward: the program's adjoint sweep, each node after all its users (reverse creation order), as
  // autograd.backward does; the parameters' gradients are added to `pgrad`.
  function backward(tape, upstream, pgrad) {
    const grads = Program.adjoints(tape.program, tape.locals, tape.loss, upstream, false, tape.grads);
    if (pgrad) for (let i = 0; i < pgrad.length; i++) pgrad[i] += grads[i];
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
  // A number in the message in four significant digits (the page's writer): −1.894e157, not −1.8935073054816655e+157
  const fourDigits = (x) => (Number.isNaN(x) ? "not a number" : number(x, 4));
  class Diverged extends Error {
    constructor(i, value, grad) {
      // Which number overflowed: the gradient (the backward pass) or the update (weight − η·gradient)
      super((Number.isFinite(grad) ? "the update of " : "the gradient of ") + run.net.labels[i] + " overflows a float (weight " +
        fourDigits(value) + ", gradient " + fourDigits(grad) + "); the learning rate is probably too large. Training stopped " +
        "before that step, at the last finite weights (the plane draws their boundary where their outputs are numbers): " +
        "lower it, or reset.");
    }
  }
