// chainrule's page, the arithmetic: numbers written as the renderer writes them, the graph recomputed by
// the trace's interpreter (Program, program.js, with RULES: the rule table translated from its own text),
// and the step captions with live numbers. No derivative is written here: every local gradient comes from
// RULES, and every sweep over the graph is Program's.
function pageCompute(DIGITS, EXTRA_DIGITS) {
  "use strict";
  const MINUS = "\u2212";
  const PLACEHOLDER = 0xe000;  // operand i's number in a forward-caption template is U+E000 + i

  // --- numbers, as the renderer writes them: Python's f"{x:.4g}" with a real minus sign ---------------
  // Python rounds the exact binary value half to even (1.0625 → 1.062); JavaScript's toExponential rounds
  // an exact tie away from zero (1.063). Only exact ties differ, so they alone take the exact path.
  function number(x, digits) {
    digits = Math.max(1, digits || DIGITS);
    if (x === 0) return "0";
    if (Number.isNaN(x)) return "nan";
    const sign = x < 0 ? MINUS : "";
    if (!Number.isFinite(x)) return sign + "inf";
    const [head, e] = rounded(Math.abs(x), digits);
    let text;
    if (e < -4 || e >= digits) {
      text = stripZeros(head[0] + "." + head.slice(1)) + "e" + String(e).replace("-", MINUS);
    } else if (e >= 0) {
      text = stripZeros(head.slice(0, e + 1) + "." + head.slice(e + 1));
    } else {
      text = stripZeros("0." + "0".repeat(-e - 1) + head);
    }
    return sign + text;
  }
  // x > 0 to `digits` significant digits, rounded half to even: [the digits, the decimal exponent of the first].
  function rounded(x, digits) {
    if (digits <= 100) {
      const next = x.toExponential(digits);  // one digit more: an exact tie shows exactly there
      const tie = next[digits + 1] === "5" && Number(next) === x;
      if (!tie) {
        const exp = x.toExponential(digits - 1), at = exp.indexOf("e");
        return [exp.slice(0, at).replace(".", ""), parseInt(exp.slice(at + 1), 10)];
      }
    }
    return roundedExactly(x, digits);
  }
  // The double's exact decimal expansion (m·2^k = m·5^−k / 10^−k) rounded half to even, with BigInt.
  function roundedExactly(x, digits) {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const biased = (view.getUint32(0) >>> 20) & 0x7ff;
    const fraction = (BigInt(view.getUint32(0) & 0xfffff) << 32n) | BigInt(view.getUint32(4));
    const m = biased === 0 ? fraction : fraction | (1n << 52n), k = (biased === 0 ? 1 : biased) - 1075;
    const all = (k >= 0 ? m << BigInt(k) : m * 5n ** BigInt(-k)).toString();
    let e = all.length - 1 + Math.min(k, 0);
    let head = all.slice(0, digits).padEnd(digits, "0");
    const rest = all.slice(digits);
    const half = rest[0] === "5" && !/[1-9]/.test(rest.slice(1));
    if (rest[0] > "5" || (rest[0] === "5" && !half) || (half && Number(head[digits - 1]) % 2 === 1)) {
      head = (BigInt(head) + 1n).toString();
      if (head.length > digits) {
        head = head.slice(0, digits);
        e += 1;
      }
    }
    return [head, e];
  }
  function stripZeros(text) {
    return text.indexOf(".") < 0 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }
  function factor(x, first, digits) {
    const text = number(x, digits);
    return first || x >= 0 ? text : "(" + text + ")";
  }
  // autograd.text.numbers._held: a number read back from a line (an operand as printed, a constant, a
  // constant local gradient, the result computed from them) below the normal range is not held by floats
  // as printed (4.941e−324 reads back as 5e−324), so a line with one says ≈: fittingDigits stops at the
  // NotHeld.
  class NotHeld extends Error {}
  const SMALLEST_NORMAL = 2.2250738585072014e-308;
  function held(y) {
    if (y !== 0 && Math.abs(y) < SMALLEST_NORMAL) throw new NotHeld("a subnormal number is not read back as printed");
    return y;
  }
  // autograd.text.numbers.read_constant: a constant (unlabelled leaf) is read as it is named
  const readConstant = (name) => held(Number(name.replace(/\u2212/g, "-")));
  // autograd.text.numbers.fitting_digits: the fewest digits (DIGITS..DIGITS + EXTRA_DIGITS) for a line's
  // operands such that the line computed from them as printed gives its printed result; null: write ≈.
  const MOST_DIGITS = DIGITS + EXTRA_DIGITS;
  function fittingDigits(evaluate, result) {
    if (!Number.isFinite(result)) return DIGITS;
    const target = number(result);
    for (let d = DIGITS; d <= MOST_DIGITS; d++) {
      const read = (x) => held(x === 0 ? 0 : Number(number(x, d).replace(/\u2212/g, "-")));
      let x;
      try {
        x = held(evaluate(read));  // a subnormal result too (as fitting_digits); clear of a rounding tie below
      } catch (e) {
        if (e instanceof NotHeld) return null;
        throw e;
      }
      if (number(x * (1 - 1e-9)) === target && number(x * (1 + 1e-9)) === target) return d;
    }
    return null;
  }
  const equals = (fit) => (fit === null ? " ≈ " : " = ");
  // A local gradient that is a constant (x·1.0004's 1.0004) is written as given and read exactly
  // (autograd.text.numbers.constant_text, value_factor, read_fixed).
  function fixedFactor(x, fixed, first, digits) {
    if (fixed === null || fixed === undefined) return factor(x, first, digits);
    return first || !fixed.startsWith("\u2212") ? fixed : "(" + fixed + ")";
  }
  const readFixed = (read, x, fixed) => (fixed === null || fixed === undefined ? read(x) : held(x));
  // What a learner types: 0.1385, -0.04, −0.04 (a real minus), 1.5e-5. Anything else is refused.
  function parseNumber(text) {
    const cleaned = text.trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return null;
    const x = Number(cleaned);
    return Number.isFinite(x) ? x : null;
  }

  // --- computing: the rule table over the exported graph, in the engine's order -----------------------
  class PageError extends Error {}
  const fsum = Program.fsum;  // Python's math.fsum (program.js)

  function describeOperands(g, node, xs) {
    const parts = xs.map((x, i) => "ab"[i] + " = " + number(x, 6) + " (" + g.nodes[node.parents[i]].name + ")");
    for (const key of Object.keys(node.params)) parts.push(key + " = " + number(node.params[key], 6));
    return parts.join(", ");
  }

  // The program each graph runs (its evaluation trace, every leaf an input; autograd/page/data.py), loaded
  // once: node k of the picture is position g.slots[k] of the program.
  const programs = new WeakMap();
  function programOf(g) {
    if (!programs.has(g)) {
      const prog = Program.load(g.program), nodeAt = new Array(prog.size).fill(-1);
      g.slots.forEach((s, k) => { nodeAt[s] = k; });
      programs.set(g, { prog, nodeAt });
    }
    return programs.get(g);
  }
  // A program's numbers (by position) as the picture's (by node).
  const byNode = (g, xs) => g.slots.map((s) => xs[s]);

  function compute(g, leafValues) {
    const { prog, nodeAt } = programOf(g), slots = g.slots;
    const { values: flat, locals: flatLocals } = Program.buffers(prog);
    g.nodes.forEach((node, k) => { if (node.op === null) flat[slots[k]] = leafValues[k]; });
    const bad = Program.evaluate(prog, flat, flatLocals, true);
    if (bad) {
      const node = g.nodes[nodeAt[bad.at]], xs = node.parents.map((p) => flat[slots[p]]);
      if (bad.what === "value") {
        const out = flat[bad.at];
        const why = Number.isNaN(out) ? "is not a real number" : "is infinite (a division by zero or an overflow)";
        throw new PageError(node.name + " = " + node.expression + " " + why + " at " + describeOperands(g, node, xs) +
          ". The engine refuses this too; change the number back.");
      }
      throw new PageError(node.name + ": its value is " + number(flat[bad.at]) + " but its local gradient (" +
        node.formula.join(", ") + ") is not finite at " + describeOperands(g, node, xs) +
        ". The engine refuses this too; change the number back.");
    }
    const locals = g.nodes.map((node, k) => node.parents.map((_, i) => flatLocals[2 * slots[k] + i]));
    // Backward: the program's adjoint sweep, each gradient the exactly rounded sum of its users'
    // contributions, as every view writes it (autograd.render.captions.shown_gradients): 0 where they cancel,
    // as explain says, not a running sum's −2.776e−17.
    const grads = byNode(g, Program.adjoints(prog, flatLocals, slots[g.root], g.upstream, true));
    grads.forEach((x, k) => {
      if (!Number.isFinite(x)) {
        throw new PageError("the gradient of " + g.nodes[k].name + " overflows a float. The engine refuses this too.");
      }
    });
    return { values: byNode(g, flat), locals: locals, grads: grads, flatLocals: flatLocals };
  }

  // --- captions: the renderer's text with live numbers --------------------------------------------------
  function forwardCaption(g, k, r) {
    const node = g.nodes[k];
    const xs = node.parents.map((p) => r.values[p]);
    // a constant (unlabelled leaf) is written, and read, as it is named (autograd.text.formulas.operation_numbers)
    const constant = node.parents.map((p) => (g.nodes[p].op === null && !g.nodes[p].label ? g.nodes[p].name : null));
    let mask = 0;  // bit i: operand i's text starts with a minus (a constant −0 does; the number 0 never)
    xs.forEach((x, i) => { if (constant[i] === null ? x < 0 : constant[i].startsWith("\u2212")) mask |= 1 << i; });
    const operand = (x, i, read) => {
      if (i >= xs.length) return undefined;
      return constant[i] === null ? read(x) : readConstant(constant[i]);
    };
    const fit = fittingDigits((read) => RULES[node.op].forward(operand(xs[0], 0, read), operand(xs[1], 1, read), node.params), r.values[k]);
    let numbers = node.templates[mask];
    xs.forEach((x, i) => {
      const text = constant[i] === null ? number(x, fit || DIGITS) : constant[i];
      numbers = numbers.split(String.fromCharCode(PLACEHOLDER + i)).join(text);
    });
    const local = [];
    node.local.forEach((item, i) => {
      if (item.constant) return;  // none with respect to a constant (autograd.render.captions.forward_steps)
      const value = number(r.locals[k][i]);
      local.push(item.prefix + " = " + item.rule + (item.rule === value || item.fixed ? "" : " = " + value));
    });
    const head = node.symbolic ? node.lhs + node.symbolic + " = " : node.lhs;  // as forward_steps writes it
    return head + numbers + equals(fit) + number(r.values[k]) +
      "\nlocal gradients: " + local.join(";  ");
  }

  const MAX_TERMS = 4;
  function backwardCaption(g, k, r) {
    const node = g.nodes[k];
    if (k === g.root) return node.head + " = " + number(r.grads[k]);
    const uses = node.uses;
    if (uses.length === 0) return node.head + " = 0 (the output does not use it)";
    const shown = uses.length <= MAX_TERMS ? uses : uses.slice(0, MAX_TERMS - 1);
    const symbolic = shown.map((u) => u.symbol);
    let fit = DIGITS;
    if (shown.length === uses.length) {
      fit = fittingDigits((read) => fsum(uses.map((u) => read(r.grads[u.user]) * readFixed(read, r.locals[u.user][u.input], u.fixed))), r.grads[k]);
    }
    const d = fit || DIGITS;
    const numeric = shown.map((u, j) => factor(r.grads[u.user], j === 0, d) + " · " + fixedFactor(r.locals[u.user][u.input], u.fixed, false, d));
    if (shown.length < uses.length) {
      const more = " + … (" + uses.length + " terms)";
      symbolic[symbolic.length - 1] += more;
      numeric[numeric.length - 1] += more;
    }
    return node.head + " = " + symbolic.join(" + ") + " = " + numeric.join(" + ") + equals(fit) + number(r.grads[k]);
  }

  // --- the slide view's captions: a box's step written over the box's arrows -----------------------------
  // ∂head/∂tail of a slide-view arrow: a sweep back over the nodes of the head's box (`members`, forward
  // order), summing over paths the products of their local gradients (the rule table's, as computed), each
  // sum exactly rounded (fsum), as autograd.render.slide.fused_locals does: no derivative here.
  function arrowLocal(g, r, a) {
    const inside = new Set(a.members), terms = new Map([[a.head, [1]]]), outside = [];
    for (const k of a.members.slice().reverse()) {
      const above = fsum(terms.get(k) || []);
      g.nodes[k].parents.forEach((p, i) => {
        if (inside.has(p)) {
          if (!terms.has(p)) terms.set(p, []);
          terms.get(p).push(above * r.locals[k][i]);
        } else if (p === a.tail) outside.push(above * r.locals[k][i]);
      });
    }
    return fsum(outside);
  }
  // The arrows into box k, in the order their tails are written in its formula (w5, h1, w6, h2, b2).
  function arrowsInto(g, k) {
    const box = g.slide.sums[k];
    const written = box ? box.members.flatMap((m) => g.nodes[m.node].parents) : g.nodes[k].parents;
    return g.slide.arrows.filter((a) => a.head === k).sort((a, b) => written.indexOf(a.tail) - written.indexOf(b.tail));
  }
  const isConstant = (node) => node.op === null && !node.label;
  // A fused box's forward step (net_o1 = w5·h1 + w6·h2 + b2 = 0.4 · 0.5933 + 0.45 · 0.5969 + 0.6 = 1.106):
  // each member's template (autograd/page/data.py, _box_templates) filled with its operands' texts.
  function sumCaption(g, k, r) {
    const box = g.slide.sums[k], members = box.members;
    const operand = (p, got, read) => (got.has(p) ? got.get(p) : isConstant(g.nodes[p]) ? readConstant(g.nodes[p].name) : read(r.values[p]));
    const fit = fittingDigits((read) => {
      const got = new Map();
      for (const m of members) {
        const node = g.nodes[m.node], xs = node.parents.map((p) => operand(p, got, read));
        got.set(m.node, RULES[node.op].forward(xs[0], xs[1], node.params));
      }
      return got.get(k);
    }, r.values[k]);
    const text = new Map();
    for (const m of members) {
      const node = g.nodes[m.node];
      const parts = node.parents.map((p) => (text.has(p) ? text.get(p) : isConstant(g.nodes[p]) ? g.nodes[p].name : number(r.values[p], fit || DIGITS)));
      let mask = 0;
      parts.forEach((t, i) => { if (t.startsWith(MINUS)) mask |= 1 << i; });
      let filled = m.templates[mask];
      parts.forEach((t, i) => {
        const slot = (t.startsWith(MINUS) ? MINUS : "") + String.fromCharCode(PLACEHOLDER + i);
        filled = filled.split(slot).join(t);
      });
      text.set(m.node, filled);
    }
    const into = arrowsInto(g, k);
    const local = into.map((a) => "∂" + g.nodes[k].wrapped + "/∂" + g.nodes[a.tail].wrapped + " = " + number(arrowLocal(g, r, a)));
    return box.lhs + box.symbolic + " = " + text.get(k) + equals(fit) + number(r.values[k]) +
      "\nlocal gradients: " + local.join(";  ");
  }
  // A box's backward step over its arrows out, as the slide view's frames write it (the symbolic side is
  // theirs, autograd.render.slide_frames.backward_slide_steps): ∂f/∂h2 = ∂f/∂net_o1 · ∂net_o1/∂h2 + … =
  // numbers = the gradient.
  function chainCaption(g, k, r) {
    const out = g.slide.arrows.filter((a) => a.tail === k);
    const locals = out.map((a) => arrowLocal(g, r, a));
    const fit = fittingDigits((read) => fsum(out.map((a, j) => read(r.grads[a.head]) * read(locals[j]))), r.grads[k]);
    const d = fit || DIGITS;
    const numbers = out.map((a, j) => factor(r.grads[a.head], j === 0, d) + " · " + factor(locals[j], false, d));
    return g.slide.chain[k] + " = " + numbers.join(" + ") + equals(fit) + number(r.grads[k]);
  }
  // The caption of node k's step on a picture: the slide view's own for its boxes, else the full graph's.
  function stepCaption(g, k, r, picture, backward) {
    const slide = picture === "slide" && g.slide;
    if (backward) return slide && k in g.slide.chain ? chainCaption(g, k, r) : backwardCaption(g, k, r);
    return slide && k in g.slide.sums ? sumCaption(g, k, r) : forwardCaption(g, k, r);
  }

  // autograd.explain.write.unwrapped: a side in one bracket reads without it ((k + k) as k + k)
  function unwrapped(text) {
    let depth = 0;
    for (let k = 0; k < text.length; k++) {
      depth += text[k] === "(" ? 1 : text[k] === ")" ? -1 : 0;
      if (depth === 0) return k === text.length - 1 && k > 0 && text[0] === "(" ? text.slice(1, -1) : text;
    }
    return text;
  }

  // --- the full derivation (autograd.explain's text), its numbers recomputed from the live values -----
  // ∂upper/∂node for every node: the program's adjoint sweep seeded at `upper`.
  function gradientsFrom(g, r, upper) {
    return byNode(g, Program.adjoints(programOf(g).prog, r.flatLocals, g.slots[upper], 1, false));
  }
  // ∂upper/∂lower through unlabelled nodes only, as autograd.explain.chain._below sums it: where at most
  // LINK_WAYS ways lead down, each way's product of local gradients from the top down, the ways added with
  // fsum; past that, node by node, each node's sum the fsum of its users' contributions (newest first).
  const LINK_WAYS = 6;  // autograd.explain.chain.MAX_TERMS
  function linkValue(g, r, upper, lower, through) {
    const known = new Map();
    const reaches = (from) => {  // whether `lower` lies below `from` (parents come earlier in creation order)
      if (from === lower) return true;
      if (!known.has(from)) known.set(from, g.nodes[from].parents.some((p) => p >= lower && reaches(p)));
      return known.get(from);
    };
    // the ways and the contributions to ∂upper/∂n of each node n on them, newest node first
    const ways = new Map([[upper, 1]]), parts = new Map([[upper, [1]]]);
    for (let k = upper; k > lower; k--) {
      if (!ways.has(k) || (k !== upper && !through(k))) continue;
      const sum = fsum(parts.get(k));
      g.nodes[k].parents.forEach((p, i) => {
        if (p !== lower && !(through(p) && reaches(p))) return;
        ways.set(p, (ways.get(p) || 0) + ways.get(k));
        if (!parts.has(p)) parts.set(p, []);
        parts.get(p).push(sum * r.locals[k][i]);
      });
    }
    if (!ways.has(lower)) return 0;
    if (ways.get(lower) > LINK_WAYS) return fsum(parts.get(lower));
    const products = [];
    const stack = [[upper, 1]];
    while (stack.length) {
      const [current, value] = stack.pop();
      g.nodes[current].parents.forEach((p, i) => {
        const step = value * r.locals[current][i];
        if (p === lower) products.push(step);
        else if (through(p) && reaches(p)) stack.push([p, step]);
      });
    }
    return fsum(products);
  }

  function derivationText(g, k, r) {
    const d = g.nodes[k].derivation;
    if (!d) return null;
    if (d.parts.length === 0) return d.symbol + " = 0 (no path leads to it)";
    // A link runs through unlabelled nodes only, stopping at labelled ones and at the node explained.
    const unlabelled = (j) => !g.nodes[j].label && j !== k;
    const full = new Map();
    function value(spec) {
      if (spec.upstream) return g.upstream;
      if (spec.link) return linkValue(g, r, spec.up, spec.low, unlabelled);
      if (spec.local) return fsum(g.nodes[spec.up].parents.flatMap((p, i) => (p === spec.low ? [r.locals[spec.up][i]] : [])));
      if (!full.has(spec.up)) full.set(spec.up, gradientsFrom(g, r, spec.up));
      return full.get(spec.up)[spec.low];
    }
    // a bracket's value: its terms added exactly, as explain adds them (its link or gradient when terms are hidden)
    const bracketValue = (b) => (b.more ? value(b.value) : fsum(b.terms.map((term) => term.reduce((q, spec) => q * value(spec), 1))));
    const product = d.parts.reduce((p, part) => p * (part.factor ? value(part.factor) : bracketValue(part.bracket)), 1);
    // the product as a reader computes it from the printed factors (a bracket's hidden terms: its value)
    const evaluate = (read) => d.parts.reduce((p, part) => {
      if (part.factor) return p * readFixed(read, value(part.factor), part.factor.fixed);
      const b = part.bracket;
      if (b.more) return p * value(b.value);
      return p * fsum(b.terms.map((term) => term.reduce((q, spec) => q * readFixed(read, value(spec), spec.fixed), 1)));
    }, 1);
    const fit = fittingDigits(evaluate, product);
    const texts = d.parts.map((part) => {
      if (part.factor) return fixedFactor(value(part.factor), part.factor.fixed, false, fit || DIGITS);
      const b = part.bracket;
      const terms = b.terms.map((term) => term.map((spec) => fixedFactor(value(spec), spec.fixed, false, fit || DIGITS)).join(" · "));
      return "(" + terms.join(" + ") + b.more + ")";
    });
    const result = number(product);
    if (d.short) return d.symbol + " = " + result;
    const shown = [];
    for (const row of [...d.rows, unwrapped(texts.join(" · "))]) {
      if (row && row !== d.symbol && row !== result && !shown.includes(row)) shown.push(row);
    }
    return [d.symbol, ...shown].join(" = ") + (shown.length ? equals(fit) : " = ") + result;
  }

  // --- forward mode: tangents v̇ = ∂node/∂input, from the same local gradients as the backward pass -----
  // The program's tangent sweep seeded at the input `wrt`. `reaches[k]`: node k depends on the input at all
  // (the tangent's terms worth writing out).
  function tangents(g, r, wrt) {
    const { prog } = programOf(g), seed = new Array(prog.nInputs).fill(0);
    seed[g.slots[wrt]] = 1;
    const t = Program.tangents(prog, r.flatLocals, seed);
    const dots = byNode(g, t.dots);
    dots.forEach((x, k) => {
      if (!Number.isFinite(x)) {
        throw new PageError("the tangent of " + g.nodes[k].name + " overflows a float. The engine refuses this too.");
      }
    });
    return { dots: dots, reaches: byNode(g, t.reaches).map(Boolean), wrt: wrt };
  }
  function tangentHead(g, k, wrt) {
    return "d" + g.nodes[k].wrapped + "/d" + g.nodes[wrt].wrapped;
  }
  // One forward-mode step: v̇_k from its operands' tangents (Baydin et al.'s tangent trace, with names).
  function tangentCaption(g, k, r, t) {
    const node = g.nodes[k], head = tangentHead(g, k, t.wrt);
    if (k === t.wrt) return head + " = 1 (the seed: the input forward mode differentiates by)";
    if (node.op === null) return head + " = 0 (another leaf: it does not change with " + g.nodes[t.wrt].name + ")";
    const terms = node.parents.map((p, i) => i).filter((i) => t.reaches[node.parents[i]]);
    if (terms.length === 0) return head + " = 0 (" + node.name + " does not depend on " + g.nodes[t.wrt].name + ")";
    const symbolic = terms.map((i) => node.local[i].factor + " · " + tangentHead(g, node.parents[i], t.wrt));
    const fit = fittingDigits((read) => fsum(terms.map((i) => readFixed(read, r.locals[k][i], node.local[i].fixed) * read(t.dots[node.parents[i]]))), t.dots[k]);
    const d = fit || DIGITS;
    const numeric = terms.map((i, j) => fixedFactor(r.locals[k][i], node.local[i].fixed, j === 0, d) + " · " + factor(t.dots[node.parents[i]], false, d));
    return head + " = " + symbolic.join(" + ") + " = " + numeric.join(" + ") + equals(fit) + number(t.dots[k]);
  }

  // Forward mode on the slide view: a fused box's tangent from its arrows in, ḃ = Σ ∂box/∂tail · ṫail
  // (the arrows' numbers are sums over the box's paths of the rule table's local gradients).
  function sumTangentCaption(g, k, r, t) {
    const node = g.nodes[k], head = tangentHead(g, k, t.wrt);
    const into = arrowsInto(g, k).filter((a) => t.reaches[a.tail]);
    if (into.length === 0) return head + " = 0 (" + node.name + " does not depend on " + g.nodes[t.wrt].name + ")";
    const locals = into.map((a) => arrowLocal(g, r, a));
    const symbolic = into.map((a) => "∂" + node.wrapped + "/∂" + g.nodes[a.tail].wrapped + " · " + tangentHead(g, a.tail, t.wrt));
    const fit = fittingDigits((read) => fsum(into.map((a, j) => read(locals[j]) * read(t.dots[a.tail]))), t.dots[k]);
    const d = fit || DIGITS;
    const numeric = into.map((a, j) => factor(locals[j], j === 0, d) + " · " + factor(t.dots[a.tail], false, d));
    return head + " = " + symbolic.join(" + ") + " = " + numeric.join(" + ") + equals(fit) + number(t.dots[k]);
  }
  // Node k's tangent step on a picture: over a fused box's arrows in the slide view, else its own operands.
  function stepTangent(g, k, r, t, picture) {
    return picture === "slide" && g.slide && k in g.slide.sums ? sumTangentCaption(g, k, r, t) : tangentCaption(g, k, r, t);
  }

  return {
    number, factor, parseNumber, PageError, compute, forwardCaption, backwardCaption, derivationText,
    arrowLocal, arrowsInto, stepCaption,
    tangents, tangentHead, tangentCaption, stepTangent,
  };
}
