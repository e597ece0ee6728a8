// The network as layers: one sample's trace replayed as matrix products over the batch, one pass per layer
// each way (autograd.replay.layered.LayerReplay's form, in JavaScript). Over N samples, one column each:
// Aₖ = Wₖ Hₖ₋₁ + bₖ, Hₖ = g(Aₖ) forward; Δₖ = Gₖ ⊙ g′(Aₖ), ∇Wₖ = Δₖ Hₖ₋₁ᵀ, ∇bₖ = Δₖ 1 and
// Gₖ₋₁ = Wₖᵀ Δₖ backward. g and g′ are RULES' own (the rule table's text), as the trace runs them; the
// loss, which is not a layer, runs per sample as its own small program (the tape's loss steps).
//
// What a layer is comes from Python (nn/playground/layers.py). For the written network, find_layers on its
// graph (DATA.layers): each layer's θ positions of Wₖ row by row and of bₖ, and its activation's op. For a
// network set in the page (other hidden sizes, activation or loss), nn's parameter layout gives the plan
// (`layoutPlan`) with the activations Python read off graphs of that kind (DATA.layouts), where Python
// found that layout holds for them. Either plan is used once checked against the recorded trace step by
// step. Where there is none (a graph find_layers does not group) or it does not fit, training replays the
// trace sample by sample, as before.
//
// The sums run in the trace's order (net = ((w₁·h₁ + w₂·h₂) + …) + b; an adjoint gathered from the
// last user to the first; a parameter's gradient sample after sample; a zero adjoint passes nothing on),
// so the two ways give the same floats.

  // Python's plan while the page's network is the one it was written with; otherwise the plan of nn's
  // layout `net` (learning.js's `layout`) for its kind, where Python sent one; null where there is none.
  function planFor(s, net) {
    const w = DATA.settings, written = s.activation === w.activation && s.loss === w.loss && s.hidden.join() === w.hidden.join();
    if (written) return DATA.layers;
    const kind = DATA.layouts[s.activation + " " + s.loss];
    return kind ? layoutPlan(net, kind) : null;
  }
  // nn's layout as a plan (nn/playground/layers.py's layout_plan): layer by layer, unit i's weights from
  // input j at θ[weights + i·nin + j], its bias at θ[biases + i]; the hidden layers' activation and the
  // output's as Python read them (op names and settings), the inputs x_1 and x_2 in the batch's order.
  function layoutPlan(net, kind) {
    const last = net.layers.length - 1, range = (n, at) => Array.from({ length: n }, (_, i) => at + i);
    return { inputs: [0, 1], layers: net.layers.map((L, l) => {
      const act = l === last ? kind.output : kind.hidden;
      return { weights: range(L.nout, 0).map((i) => range(L.nin, L.weights + i * L.nin)), biases: range(L.nout, L.biases),
        activation: act.activation, params: Object.assign({}, act.params) };
    }) };
  }

  // The plan ready to run on the tapes, or null where it does not describe them.
  function matrixForm(s, plan, tapes) {
    if (!plan || !tapes.every((tape) => fits(plan, tape))) return null;
    const layers = plan.layers.map((L) => ({
      K: L.weights.length, D: L.weights[0].length, w: Int32Array.from(L.weights.flat()),
      bias: L.biases ? Int32Array.from(L.biases) : null, rule: L.activation ? RULES[L.activation] : null,
      p: L.params || {}, a: null, h: null, d: null, below: null, dT: null, hT: null, W: null, WT: null, B: null,
    }));
    return { plan, inputs: plan.inputs, layers, heads: [recordHead(s, 0), recordHead(s, 1)], capacity: 0, x: null, g: null };
  }

  // Does the trace run exactly these layers? Unit by unit, in the trace's order: unit i of layer k is
  // mul(W_i1, h_1), then mul(W_ij, h_j) and add(sum, it) for each next input, add(sum, b_i), then the
  // activation (its settings the plan's), reading the layer below's outputs in order (the first layer: the
  // point's inputs); each parameter in one entry; what follows the last layer (the loss) reads of the
  // layers only the network's one output.
  function fits(plan, tape) {
    const prog = tape.program, { op, a, b, p } = prog, size = tape.params.length;
    let below = plan.inputs.map((row) => tape.inputs[row]), k = prog.nInputs;
    if (below.some((x) => x === undefined) || !plan.layers.length) return false;
    const used = new Set();
    const param = (i) => Number.isInteger(i) && i >= 0 && i < size && !used.has(i) && used.add(i);
    const step = (name, x, y) => op[k] === name && a[k] === x && b[k] === y;
    for (const L of plan.layers) {
      const out = [];
      if (!Array.isArray(L.weights) || !L.weights.length || (L.biases && L.biases.length !== L.weights.length)) return false;
      if (L.activation && !(L.activation in RULES)) return false;
      for (let i = 0; i < L.weights.length; i++) {
        const row = L.weights[i];
        if (row.length !== below.length) return false;
        let sum = -1;
        for (let j = 0; j < row.length; j++) {
          if (!param(row[j]) || !step("mul", tape.params[row[j]], below[j])) return false;
          const m = k++;
          if (sum < 0) sum = m;
          else if (step("add", sum, m)) sum = k++;
          else return false;
        }
        if (L.biases) {
          if (!param(L.biases[i]) || !step("add", sum, tape.params[L.biases[i]])) return false;
          sum = k++;
        }
        if (L.activation) {
          if (!step(L.activation, sum, -1) || !sameParams(p[k], L.params || {})) return false;
          sum = k++;
        }
        out.push(sum);
      }
      below = out;
    }
    if (below.length !== 1 || below[0] !== tape.output) return false;
    for (let end = k; k < prog.n; k++) {
      for (const x of [a[k], b[k]]) if (x >= 0 && x < end && x !== tape.output) return false;
    }
    return true;
  }
  function sameParams(x, y) {
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((key) => x[key] === y[key]);
  }

  // The loss of class `cls` as its own program: one input, the network's output; the tape's loss steps.
  function recordHead(s, cls) {
    const inputs = [{ label: "out", value: 0 }], steps = [];
    const apply = (op, args, params, label) => {
      steps.push({ op, args, params: params || {}, label: label || null });
      return inputs.length + steps.length - 1;
    };
    const loss = lossStep(s, apply, 0, cls), program = Program.load({ inputs, steps, outputs: [loss] });
    return { program, loss, ...Program.buffers(program), grads: new Float64Array(program.size) };
  }

  // Room for n samples: X, G_L, and every layer's Aₖ, Hₖ (Aₖ itself when linear), Δₖ and Gₖ₋₁, a row per
  // sample (sample t's units at t·K … t·K + K − 1), so that the forward sums and Gₖ₋₁'s run along rows of
  // Wₖ and Wₖᵀ; ∇Wₖ's run along the samples, over Δₖ and Hₖ₋₁ turned (a row per unit).
  function reserve(M, n) {
    if (n <= M.capacity) return;
    const cap = Math.max(n, 2 * M.capacity);
    M.capacity = cap;
    M.x = new Float64Array(M.inputs.length * cap);
    M.g = new Float64Array(cap);
    for (const L of M.layers) {
      const { K, D } = L;
      Object.assign(L, { a: new Float64Array(K * cap), below: new Float64Array(D * cap), dT: new Float64Array(K * cap),
        hT: new Float64Array(D * cap) });
      L.h = L.rule ? new Float64Array(K * cap) : L.a;
      L.d = L.rule ? new Float64Array(K * cap) : null;
      if (!L.W) Object.assign(L, { W: new Float64Array(K * D), WT: new Float64Array(K * D), B: new Float64Array(K) });
    }
  }

  // The batch's inputs as X: points[idx[t]] (or points[t]) as sample t's row.
  function load(M, points, idx) {
    const n = idx ? idx.length : points.length, rows = M.inputs, D = rows.length;
    reserve(M, n);
    for (let t = 0; t < n; t++) {
      const point = points[idx ? idx[t] : t];
      for (let j = 0; j < D; j++) M.x[t * D + j] = point[rows[j]];
    }
    return n;
  }

  // Forward over n loaded samples at the weights w: each layer's Aₖ and Hₖ; returns H_L (n outputs).
  // Wₖ and bₖ are read from θ once a pass.
  function forwardLayers(M, w, n) {
    let h = M.x;
    for (const L of M.layers) {
      const { K, D, a, W, B } = L, wi = L.w, bias = L.bias !== null;
      for (let q = 0; q < K * D; q++) W[q] = w[wi[q]];
      if (bias) for (let i = 0; i < K; i++) B[i] = w[L.bias[i]];
      for (let t = 0; t < n; t++) {
        const ht = t * D, at = t * K;
        for (let i = 0, wr = 0; i < K; i++, wr += D) {
          let sum = W[wr] * h[ht];
          for (let j = 1; j < D; j++) sum += W[wr + j] * h[ht + j];
          a[at + i] = bias ? sum + B[i] : sum;
        }
      }
      if (L.rule) {
        const f = L.rule.forward, p = L.p, out = L.h, m = K * n;
        for (let q = 0; q < m; q++) out[q] = f(a[q], 0, p);
      }
      h = L.h;
    }
    return h;
  }

  // Backward from M.g (∂(the batch's loss)/∂H_L, n numbers), after forwardLayers at the same weights: each
  // layer's Δₖ, its gradients added into `grad` (θ's order), and Gₖ₋₁ for the layer below.
  function backwardLayers(M, n, grad) {
    let g = M.g;
    for (let k = M.layers.length - 1; k >= 0; k--) {
      const L = M.layers[k], { K, D, a, W, dT, hT } = L, wi = L.w, bias = L.bias;
      const h = k ? M.layers[k - 1].h : M.x, d = L.rule ? L.d : g;  // a linear layer's Δₖ is Gₖ
      if (L.rule) {
        const slope = L.rule.grads, p = L.p, out = L.h;
        for (let q = 0; q < K * n; q++) {
          const gq = g[q];  // a zero adjoint passes nothing on, whatever the local gradient (as in the trace)
          d[q] = gq === 0 ? 0 : slope(a[q], 0, out[q], p)[0] * gq;
        }
      }
      // ∇Wₖ = Δₖ Hₖ₋₁ᵀ and ∇bₖ = Δₖ 1: each parameter's gradient gathers its samples in order.
      let finite = true;
      for (let t = 0; t < n; t++) {
        for (let i = 0; i < K; i++) dT[i * n + t] = d[t * K + i];
        for (let j = 0; j < D; j++) {
          const x = (hT[j * n + t] = h[t * D + j]);
          finite = finite && x - x === 0;
        }
      }
      for (let i = 0, wr = 0; i < K; i++, wr += D) {
        const di = i * n;
        for (let j = 0; j < D; j++) {
          const hj = j * n;
          let sum = grad[wi[wr + j]];
          if (finite) for (let t = 0; t < n; t++) sum += dT[di + t] * hT[hj + t];
          else {  // 0 · ∞ would be NaN where the trace adds nothing
            for (let t = 0; t < n; t++) if (dT[di + t] !== 0) sum += dT[di + t] * hT[hj + t];
          }
          grad[wi[wr + j]] = sum;
        }
        if (bias) {
          let sum = grad[bias[i]];
          for (let t = 0; t < n; t++) sum += dT[di + t];
          grad[bias[i]] = sum;
        }
      }
      if (k === 0) break;
      // Gₖ₋₁ = Wₖᵀ Δₖ, the last unit's share first, as the trace gathers an adjoint from its last user (the
      // weights are finite, so a zero Δ adds a zero: nothing, as in the trace).
      const WT = L.WT, below = L.below;
      for (let i = 0; i < K; i++) for (let j = 0; j < D; j++) WT[j * K + i] = W[i * D + j];
      for (let t = 0; t < n; t++) {
        const bt = t * D, dt = t * K;
        for (let j = 0, wc = 0; j < D; j++, wc += K) {
          let sum = 0;
          for (let i = K - 1; i >= 0; i--) sum += WT[wc + i] * d[dt + i];
          below[bt + j] = sum;
        }
      }
      g = below;
    }
  }

  // One training batch (`idx` into `points`): the summed loss; ∂(mean loss)/∂θ added into `grad`, each
  // sample's loss seeded with `upstream` (1/N) as the trace's backward is.
  function layeredStep(M, w, points, idx, upstream, grad) {
    const n = load(M, points, idx), out = forwardLayers(M, w, n), g = M.g;
    let total = 0;
    for (let t = 0; t < n; t++) {
      const head = M.heads[points[idx[t]][2]], values = head.values;
      values[0] = out[t];
      Program.evaluate(head.program, values, head.locals, false);
      total += values[head.loss];
      g[t] = Program.adjoints(head.program, head.locals, head.loss, upstream, false, head.grads)[0];
    }
    backwardLayers(M, n, grad);
    return total;
  }

  // The network's outputs at the points (rows x, y, …), one pass: a view valid until the next call.
  function layeredOutputs(M, w, points) {
    return forwardLayers(M, w, load(M, points, null));
  }

  // A whole set's summed loss and its outputs (no gradients).
  function layeredLosses(M, w, points) {
    const out = layeredOutputs(M, w, points);
    let total = 0;
    for (let t = 0; t < points.length; t++) {
      const head = M.heads[points[t][2]], values = head.values;
      values[0] = out[t];
      Program.evaluate(head.program, values, null, false);
      total += values[head.loss];
    }
    return { total, out };
  }
