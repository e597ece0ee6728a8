// Reads a JSON list of TeX strings on stdin; writes, for each, {ok, mml} (MathML) or {ok: false, error}.
// Used by tests/autograd/test_labels.py where node can find mathjax-full (NODE_PATH): TeX input with the
// base and ams packages, as notebooks load them, and any error thrown rather than drawn in red.
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');
const {SerializedMmlVisitor} = require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');
const adaptor = liteAdaptor(); RegisterHTMLHandler(adaptor);
const tex = new TeX({packages: ['base', 'ams'], formatError: (jax, err) => { throw err; }});
const html = mathjax.document('', {InputJax: tex});
const visitor = new SerializedMmlVisitor();
const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = items.map((t) => {
  try { return {ok: true, mml: visitor.visitTree(html.convert(t, {display: true, end: require('mathjax-full/js/core/MathItem.js').STATE.COMPILED}))}; }
  catch (e) { return {ok: false, error: String(e.message || e)}; }
});
console.log(JSON.stringify(out));
