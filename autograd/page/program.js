// chainrule's one interpreter of the evaluation trace, in JavaScript: the program form that
// autograd.trace.Trace.to_json writes (and the playground's network records in its own browser), run
// with RULES, the rule table translated from its own text (defined just above). It knows no derivative:
// every value and local gradient comes from RULES; the sweeps only multiply and add them.
//
// The form (Griewank & Walther's Wengert list; Autodidax's jaxpr): `inputs`, one {label, value} per
// input, at positions 0 … n−1; `steps`, one {op, args, params, label} per operation in evaluation order,
// at positions n, n+1, …, each argument an earlier position or {literal: x} (a constant); `outputs`,
// positions or literals. A loaded program keeps each step's operands as positions (a constant gets a
// slot of its own after the steps), so one Float64Array holds every value and one every local gradient.
const Program = (function () {
  "use strict";

  // The program's structure, ready to run: RULES rows and operand positions (−1: no second operand).
  function load(json) {
    const nInputs = json.inputs.length, n = nInputs + json.steps.length;
    const literals = [];
    const position = (arg) => {
      if (typeof arg === "number") return arg;
      literals.push(arg.literal);
      return n + literals.length - 1;
    };
    const op = new Array(n).fill(null), p = new Array(n).fill(null), label = new Array(n).fill(null);
    const a = new Int32Array(n).fill(-1), b = new Int32Array(n).fill(-1);
    json.inputs.forEach((x, k) => { label[k] = x.label === undefined ? null : x.label; });
    json.steps.forEach((step, j) => {
      const k = nInputs + j;
      if (!(step.op in RULES)) throw new Error("program: step " + k + " has an op the rule table lacks: " + step.op);
      op[k] = step.op;
      p[k] = step.params || {};
      label[k] = step.label === undefined ? null : step.label;
      a[k] = position(step.args[0]);
      if (step.args.length > 1) b[k] = position(step.args[1]);
    });
    const outputs = Int32Array.from((json.outputs || []).map(position));
    const rule = op.map((name) => (name ? RULES[name] : null));
    return { n, size: n + literals.length, nInputs, op, rule, a, b, p, label, outputs, literals,
      inputs: json.inputs.map((x) => (x.value === undefined ? 0 : x.value)) };
  }

  // Buffers for one run: every slot's value (the inputs' recorded values and the constants written in)
  // and two local gradients per slot (∂v_k/∂(operand i) at 2k + i).
  function buffers(prog) {
    const values = new Float64Array(prog.size);
    values.set(prog.inputs);
    prog.literals.forEach((x, j) => { values[prog.n + j] = x; });
    return { values, locals: new Float64Array(2 * prog.size) };
  }

  // The forward sweep: each step's value (and, given `locals`, its local gradients) from its operands'
  // values, in order; the inputs' values are what `values` holds at 0 … n−1. With `check`, it stops at the
  // first value or local gradient that is not finite and says where: {at: position, what: "value" |
  // "local"}; otherwise (or when all are finite) it returns null.
  function evaluate(prog, values, locals, check) {
    const { n, nInputs, rule, a, b, p } = prog;
    for (let k = nInputs; k < n; k++) {
      const r = rule[k], va = values[a[k]], vb = b[k] >= 0 ? values[b[k]] : 0;
      const out = r.forward(va, vb, p[k]);
      values[k] = out;
      if (check && !Number.isFinite(out)) return { at: k, what: "value" };
      if (locals) {
        const g = r.grads(va, vb, out, p[k]);
        locals[2 * k] = g[0];
        locals[2 * k + 1] = b[k] >= 0 ? g[1] : 0;
        if (check && !(Number.isFinite(locals[2 * k]) && Number.isFinite(locals[2 * k + 1]))) return { at: k, what: "local" };
      }
    }
    return null;
  }

  // The adjoint sweep (reverse mode): v̄_j = Σ over the steps v_k using v_j of v̄_k · ∂v_k/∂v_j, from
  // v̄ = `seed` at position `output`, each step after all its users (reverse evaluation order), as
  // autograd.backward does. A running sum by default; `exact`: each adjoint the exactly rounded sum of its
  // contributions (fsum), as every view writes a gradient (0 where they cancel, not −2.776e−17). Writes
  // into `into` (a Float64Array of the program's size) when given; returns the adjoints by position.
  function adjoints(prog, locals, output, seed, exact, into) {
    const { n, nInputs, a, b } = prog;
    const bar = into || new Float64Array(prog.size);
    bar.fill(0);
    if (output >= n) return bar;  // a constant output: nothing depends on it
    if (exact) {
      const parts = new Array(n);
      parts[output] = [seed];
      for (let k = output; k >= 0; k--) {
        const g = (bar[k] = parts[k] ? fsum(parts[k]) : 0);
        if (k < nInputs) continue;
        (parts[a[k]] = parts[a[k]] || []).push(locals[2 * k] * g);
        if (b[k] >= 0) (parts[b[k]] = parts[b[k]] || []).push(locals[2 * k + 1] * g);
      }
      return bar;
    }
    bar[output] = seed;
    for (let k = output; k >= nInputs; k--) {
      const g = bar[k];
      if (g === 0) continue;
      bar[a[k]] += locals[2 * k] * g;
      if (b[k] >= 0) bar[b[k]] += locals[2 * k + 1] * g;
    }
    return bar;
  }

  // The tangent sweep (forward mode): v̇_k = Σ_i ∂v_k/∂(operand i) · v̇(operand i) in evaluation order,
  // from the inputs' tangents `seed` (one number per input). `reaches[k]`: v_k depends on an input whose
  // seed is not 0 (its tangent's terms are worth writing out). Returns {dots, reaches} by position.
  function tangents(prog, locals, seed) {
    const { n, nInputs, a, b } = prog;
    const dots = new Float64Array(prog.size), reaches = new Uint8Array(prog.size);
    for (let k = 0; k < nInputs; k++) {
      dots[k] = seed[k];
      reaches[k] = seed[k] !== 0 ? 1 : 0;
    }
    for (let k = nInputs; k < n; k++) {
      let total = 0;
      total += locals[2 * k] * dots[a[k]];
      reaches[k] = reaches[a[k]];
      if (b[k] >= 0) {
        total += locals[2 * k + 1] * dots[b[k]];
        reaches[k] |= reaches[b[k]];
      }
      dots[k] = total;
    }
    return { dots, reaches };
  }

  // Python's math.fsum: the sum of `xs` rounded once (Shewchuk's partials), so that a sum of products
  // cancels exactly as the Python views' sums do.
  function fsum(xs) {
    const partials = [];
    for (let x of xs) {
      let i = 0;
      for (let y of partials) {
        if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
        const hi = x + y, lo = y - (hi - x);
        if (lo !== 0) partials[i++] = lo;
        x = hi;
      }
      partials.length = i;
      partials.push(x);
    }
    let total = 0;
    for (let i = partials.length - 1; i >= 0; i--) {
      const x = total, y = partials[i];
      total = x + y;
      const lo = y - (total - x);
      if (lo !== 0) {
        // half-way between two floats: round as the remaining partials say (math.fsum's correction)
        if (i > 0 && ((lo < 0 && partials[i - 1] < 0) || (lo > 0 && partials[i - 1] > 0))) {
          const twice = lo * 2, corrected = total + twice;
          if (twice === corrected - total) total = corrected;
        }
        break;
      }
    }
    return total;
  }

  return { load, buffers, evaluate, adjoints, tangents, fsum };
})();
