// The trace's JavaScript interpreter (autograd/page/program.js) against Python's numbers on the same
// traces: values and local gradients to rounding (the rule table's text run by JavaScript's Math), the
// adjoint and tangent sweeps bit for bit (fed the engine's own local gradients, they do the same
// arithmetic as autograd.trace.Trace), the exact adjoints as math.fsum sums them.
//
// The cases come from the file CHAINRULE_PROGRAM_CASES names (tests/js/test_program_js.py writes it,
// with random graphs too), or else from `python -m tests.js.cases` (the lecture catalog's graphs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function readCases() {
  const file = process.env.CHAINRULE_PROGRAM_CASES;
  if (file) return { data: JSON.parse(fs.readFileSync(file, "utf8")) };
  const venv = path.join(root, ".venv/bin/python");
  const python = process.env.PYTHON || (fs.existsSync(venv) ? venv : "python3");
  try {
    const text = execFileSync(python, ["-m", "tests.js.cases"], { cwd: root, maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });
    return { data: JSON.parse(text) };
  } catch (error) {
    return { skip: "no cases: set CHAINRULE_PROGRAM_CASES, or make " + python + " able to run tests.js.cases (" + String(error.message).split("\n")[0] + ")" };
  }
}

const { data, skip } = readCases();

// program.js as the pages load it: after the rule table, in one global scope.
function load(rules) {
  const context = vm.createContext({});
  const source = fs.readFileSync(path.join(root, "autograd/page/program.js"), "utf8");
  vm.runInContext(rules + "\n" + source + "\nthis.Program = Program;", context);
  return context.Program;
}

function close(got, want, what) {
  // to rounding: relative, and an ulp or so of 1 absolute, where a formula cancels numbers near 1 (a
  // random trace's local gradient was 0 in Python, computed precisely, and 1.03e−17 from the page's text)
  const gap = Math.abs(got - want);
  const ok = got === want || gap <= 1e-12 * Math.max(Math.abs(want), 1e-300) || gap <= 1e-15 || (Number.isNaN(got) && Number.isNaN(want));
  assert.ok(ok, what + ": " + got + " in JavaScript, " + want + " in Python");
}
function same(got, want, what) {
  // === : bit for bit, but 0 and −0 alike (neither sweep is meant to tell them apart)
  assert.ok(got === want, what + ": " + got + " in JavaScript, " + want + " in Python");
}

test("program.js runs Python's traces", { skip }, async (t) => {
  const Program = load(data.rules);
  assert.ok(data.cases.length > 0, "no cases");
  for (const c of data.cases) {
    await t.test(c.name, () => {
      const prog = Program.load(c.program);
      const n = c.values.length;
      assert.equal(prog.n, n);
      // evaluate: from the inputs' recorded values, every value and local gradient
      const { values, locals } = Program.buffers(prog);
      assert.equal(Program.evaluate(prog, values, locals, true), null);
      for (let k = 0; k < n; k++) close(values[k], c.values[k], "v at " + k);
      for (let k = 0; k < 2 * n; k++) close(locals[k], c.locals[k], "local gradient " + (k % 2) + " at " + (k >> 1));
      // the sweeps, on the engine's local gradients: the same arithmetic as Trace's
      const engine = new Float64Array(2 * prog.size);
      engine.set(c.engineLocals);
      const output = typeof c.output === "number" ? c.output : prog.outputs[0];
      assert.equal(output, prog.outputs[0]);
      const bar = Program.adjoints(prog, engine, output, c.seed, false);
      for (let k = 0; k < n; k++) same(bar[k], c.adjoints[k], "adjoint at " + k);
      if (c.exact.length) {
        const exact = Program.adjoints(prog, engine, output, c.seed, true);
        for (let k = 0; k < n; k++) same(exact[k], c.exact[k], "exactly rounded adjoint at " + k);
      }
      if (c.tangents.length) {
        const { dots, reaches } = Program.tangents(prog, engine, c.tangentSeed);
        for (let k = 0; k < n; k++) same(dots[k], c.tangents[k], "tangent at " + k);
        for (let k = 0; k < n; k++) if (dots[k] !== 0) assert.ok(reaches[k], "a tangent without a path at " + k);
      }
    });
  }
});

test("a step that is not finite is named, value or local gradient", { skip }, () => {
  const Program = load(data.rules);
  const prog = Program.load({ inputs: [{ label: "x", value: 0 }], steps: [{ op: "log", args: [0], params: {} }], outputs: [1] });
  const { values, locals } = Program.buffers(prog);
  assert.deepEqual({ ...Program.evaluate(prog, values, locals, true) }, { at: 1, what: "value" });
  values[0] = 0;
  const sqrt = Program.load({ inputs: [{ label: "x", value: 0 }], steps: [{ op: "sqrt", args: [0], params: {} }], outputs: [1] });
  const b = Program.buffers(sqrt);
  assert.deepEqual({ ...Program.evaluate(sqrt, b.values, b.locals, true) }, { at: 1, what: "local" });
  assert.throws(() => Program.load({ inputs: [], steps: [{ op: "nope", args: [], params: {} }], outputs: [] }), /rule table lacks/);
});

test("fsum rounds once, as Python's math.fsum", { skip }, () => {
  const Program = load(data.rules);
  assert.equal(Program.fsum([0.1, 0.2, -0.3]), 2.7755575615628914e-17);
  assert.equal(Program.fsum([1e100, 1.0, -1e100]), 1.0);
  assert.equal(Program.fsum([]), 0);
});
