// Reads a JSON list of TeX strings on stdin; writes, for each, {ok} or {ok: false, error}.
// Used by tests/support/latex.py where node can find katex: display math, every error thrown (not drawn
// in red), and strict: a Unicode character KaTeX reads only by guessing is an error too.
const katex = require('katex');
const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = items.map((t) => {
  try { katex.renderToString(t, {displayMode: true, throwOnError: true, strict: 'error'}); return {ok: true}; }
  catch (e) { return {ok: false, error: String(e.message || e)}; }
});
console.log(JSON.stringify(out));
