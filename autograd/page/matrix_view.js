// chainrule's page: the matrix form panel (a network's graph only: DATA.graphs[k].matrix, from
// autograd/page/matrix_data.py). Each equation is its symbols, its shape check and its matrices as tables;
// an entry is a button linked to its scalar node. Its numbers are the matrix form's, written with the
// page's number writer and shown as far as the step has computed them, as the graph shows its own.
// --- the matrix form ----------------------------------------------------------------------------------
let matrixOpen = false;  // the learner's choice; shown only for a graph that has a matrix form
const MATRIX_SHOWN = 8, MATRIX_KEEP = 3;  // as autograd.explain.matrix_write elides a big matrix

const entryOf = new WeakMap();  // an entry's button → the entry

function matrixShown() { return matrixOpen && Boolean(view.g.matrix); }

// Rows (or columns) drawn of n: all up to MATRIX_SHOWN, else the first and last MATRIX_KEEP around a gap (null).
function drawnIndices(n) {
  const all = Array.from({ length: n }, (_, i) => i);
  return n <= MATRIX_SHOWN ? all : [...all.slice(0, MATRIX_KEEP), null, ...all.slice(n - MATRIX_KEEP)];
}

// Where each node is in the whole backward order (g.backward): the slide view steps through boxes only,
// so a node inside a box is done with the box that follows it.
function fullBackwardAt(v) {
  if (!v.fullBackwardAt) v.fullBackwardAt = new Map(v.g.backward.map((k, i) => [k, i]));
  return v.fullBackwardAt;
}
// A node's value is known once the forward pass has passed it (nodes are numbered in forward order).
function matrixValueKnown(v, k) {
  if (quiz || v.mistake || v.g.nodes[k].op === null) return true;
  const done = v.forwardDone();
  return done === v.forwardOrder.length || (done > 0 && k <= v.forwardOrder[done - 1]);
}
// A node's gradient is known once the backward pass has passed it; in forward mode never (no gradients).
function matrixGradKnown(v, k) {
  if (v.mistake) return true;  // the mistake view steps a wrong pass: the panel holds the right one
  if (v.forward) return false;
  if (quiz) return v.answered().has(k);
  const done = v.backwardDone(), at = fullBackwardAt(v);
  if (done === v.backwardOrder.length) return true;  // the whole pass, whatever the picture draws
  return done > 0 && at.has(k) && at.get(k) <= at.get(v.backwardOrder[done - 1]);
}
function resultNodes(eq) { return eq.result.nodes.flat().filter((k) => k !== null); }
function entryKnown(v, m, k) { return m.grad ? matrixGradKnown(v, k) : matrixValueKnown(v, k); }
// An equation is known when each of its result's nodes is; an entry of no node of its own with it.
function equationKnown(v, eq) { return resultNodes(eq).every((k) => entryKnown(v, eq.result, k)); }

// An entry of no node of its own in a matrix of the result's shape (a slope σ′(a), ŷ of a softmax): known
// with the result's entry beside it; else undefined (then with the whole equation).
function besideKnown(v, e) {
  const r = e.eq.result;
  if (e.m === r || e.m.values.length !== r.values.length || e.m.values[0].length !== r.values[0].length) return undefined;
  const k = r.nodes[e.i][e.j];
  return k === null ? undefined : entryKnown(v, r, k);
}

// The step at which the picture's pass has filled an equation's result (null: no node, or not in this mode).
function equationEnd(v, eq) {
  const nodes = resultNodes(eq);
  if (nodes.length === 0) return null;
  if (eq.kind === "forward") {
    const last = Math.max(...nodes), i = v.forwardOrder.findIndex((k) => k >= last);
    return i < 0 ? null : i + 1;
  }
  if (v.forward) return null;
  const at = fullBackwardAt(v), last = Math.max(...nodes.map((k) => at.get(k) ?? -1));
  const i = v.backwardOrder.findIndex((k) => (at.get(k) ?? -1) >= last);
  return i < 0 ? null : v.forwardOrder.length + i + 1;
}
// Where an equation ends in the whole pass (the last of its result's nodes: forward, its index; backward,
// its place in g.backward), so the panel lists each pass's equations in the order the steps fill them
// (∇b = δ is filled before ∇W = δ hᵀ, whose products come after the sum): "layer ▶" moves the mark down
// only. An equation without a node of its own stays after the one before it.
function passOrder(v, eqs) {
  let before = -1;
  const keyed = eqs.map((eq, i) => {
    const nodes = resultNodes(eq), at = fullBackwardAt(v);
    const key = nodes.length === 0 ? before : eq.kind === "forward" ? Math.max(...nodes) : Math.max(...nodes.map((k) => at.get(k) ?? -1));
    before = key;
    return { eq: eq, key: key, i: i };
  });
  return keyed.sort((a, b) => a.key - b.key || a.i - b.i).map((x) => x.eq);
}
// The layer steps: the ends of the equations, in order; ◀/▶ go to the one before or after this step.
function layerSteps(v) {
  const ends = v.g.matrix ? v.g.matrix.equations.map((eq) => equationEnd(v, eq)).filter((s) => s !== null) : [];
  return Array.from(new Set(ends)).sort((a, b) => a - b);
}
function layerStep(direction) {
  stop();
  const steps = layerSteps(view);
  const to = direction > 0 ? steps.find((s) => s > view.step) : steps.filter((s) => s < view.step).pop();
  go(to === undefined ? (direction > 0 ? view.total : 0) : to);
}

// --- drawing: built once per graph, then its numbers and highlights set at every update ---------------
function matrixTable(eq, m, where) {
  const wrap = el("span", "bracket"), table = el("table", "matrix");
  table.setAttribute("aria-label", plainName(m.name) + ", " + m.values.length + "×" + (m.values[0] || []).length);
  const rows = drawnIndices(m.values.length), cols = drawnIndices((m.values[0] || []).length);
  const entries = [];
  for (const i of rows) {
    const tr = el("tr");
    for (const j of cols) {
      const td = el("td");
      if (i === null || j === null) {
        td.textContent = i === null ? "⋮" : "⋯";
        td.className = "gap";
      } else {
        const button = el("button", m.grad ? "entry grad" : "entry");  // a gradient in the graph's red
        button.type = "button";
        const entry = { button: button, eq: eq, m: m, i: i, j: j, node: m.nodes[i][j], value: m.values[i][j],
          links: where === "result" ? eq.links[i][j] : m.nodes[i][j] === null ? [] : [m.nodes[i][j]] };
        button.dataset.node = entry.node === null ? "" : String(entry.node);
        button.dataset.entry = where + "-" + i + "-" + j;
        entries.push(entry);
        entryOf.set(button, entry);
        td.append(button);
      }
      tr.append(td);
    }
    table.append(tr);
  }
  wrap.append(table);
  return { element: wrap, entries: entries };
}
// After a what-if edit the page's numbers change: an entry that is its node's value or gradient (as written)
// shows the node's new one; another (a product or slope computed for the panel only) keeps the number it
// was written with and is greyed, marked "not updated".
function follows(v, e, base) {
  if (e.node === null || e.value === null) return false;
  const x = e.m.grad ? base.grads[e.node] : base.values[e.node];
  return Math.abs(x - e.value) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(e.value));
}
// An entry of `r = m` (∇b = ∇a: a bias shared by a layer's units fills one entry per unit, not its own
// gradient) follows the operand's entry beside it.
function copies(eq, e, at) {
  if (eq.operands.length !== 1 || eq.function || eq.scale !== 1 || e.m !== eq.result) return null;
  const twin = at.has(eq.operands[0]) && at.get(eq.operands[0]).get(e.i + "-" + e.j);
  return twin && twin.follows && twin.value === e.value ? twin : null;
}
function entryValue(v, e) {
  if (!v.edited || !e.follows) return e.value;
  if (e.source) return entryValue(v, e.source);
  return e.m.grad ? v.result.grads[e.node] : v.result.values[e.node];
}

function buildMatrix(v) {
  const panel = el("div"), entries = [], sections = [], notes = [];
  panel.append(el("p", "muted", "Click an entry: its node and what it adds up light up in the graph; click a " +
    "node: its entries. “layer ▶” (Page Down): one equation at a time."));
  const edited = el("p", "muted edited");
  panel.append(edited);
  const passes = [["Forward pass", (eq) => eq.kind === "forward"], ["Backward pass", (eq) => eq.kind !== "forward"]];
  for (const [name, pick] of passes) {
    const eqs = passOrder(v, v.g.matrix.equations.filter(pick));
    if (eqs.length) panel.append(el("h3", "", name));
    for (const eq of eqs) {
      const box = el("section", "equation");
      box.setAttribute("aria-label", plainName(eq.symbolic));
      const head = el("p", "symbols");
      head.append(richName(eq.symbolic));
      head.firstChild.className = "expr";
      if (eq.shapes) head.append(" ", el("span", "shapes", "(" + eq.shapes + ")"));
      const numbers = el("div", "numbers");
      const add = (eqPart, m, where) => {
        const t = matrixTable(eq, m, where);
        entries.push(...t.entries);
        numbers.append(eqPart ? eqPart(t.element) : t.element);
      };
      if (!eq.operands.length) {  // a value of its own (the loss): L = [0.376] on one line, as the text form
        const name = el("span", "op named");
        name.append(richName(eq.result.name), "\u00a0=");
        numbers.append(name);
        head.hidden = !eq.shapes;
      }
      add(null, eq.result, "result");
      if (eq.operands.length) numbers.append(el("span", "op", "="));
      if (eq.scale !== 1 && eq.operands.length) numbers.append(el("span", "op", number(eq.scale) + " · ("));
      eq.operands.forEach((m, k) => {
        if (k) numbers.append(el("span", "op", eq.ops[k - 1]));
        const inside = eq.function ? (t) => { const s = el("span", "apply"); const f = el("span", "op");
          f.append(richName(eq.function), "(");
          s.append(f, t, el("span", "op", ")")); return s; } : null;
        add(inside, m, "operand" + k);
      });
      if (eq.scale !== 1 && eq.operands.length) numbers.append(el("span", "op", ")"));
      box.append(head, numbers);
      if (eq.computed) {
        const said = eq.kind === "rule" ? "the engine's gradient: " : "the right side multiplied out: ";
        const line = el("p", "note", said + eq.computed.map((row) => row.map((x) => (x === null ? "—" : number(x))).join(" ")).join("; "));
        notes.push(line);
        box.append(line);
      }
      if (eq.note) {
        const note = el("p", "note");
        note.append(richName(eq.note, false));
        notes.push(note);
        box.append(note);
      }
      sections.push({ element: box, eq: eq });
      panel.append(box);
    }
  }
  const base = compute(v.g, v.original);  // the numbers the page was written with, which the entries are
  const at = new Map();  // a matrix → its entries by "i-j"
  for (const e of entries) {
    e.follows = follows(v, e, base);
    if (!at.has(e.m)) at.set(e.m, new Map());
    at.get(e.m).set(e.i + "-" + e.j, e);
  }
  for (const e of entries) {
    const twin = e.follows ? null : copies(e.eq, e, at);
    if (twin) Object.assign(e, { follows: true, source: twin });
  }
  v.matrixPanel = { element: panel, entries: entries, sections: sections, edited: edited, notes: notes };
}

function drawMatrix() {
  const box = $("matrix-body"), shown = matrixShown();
  document.body.classList.toggle("matrix-open", shown);
  $("matrix-toggle").hidden = !view.g.matrix;
  $("matrix-toggle").setAttribute("aria-expanded", String(shown));
  drawLinks();
  if (!shown) return;
  if (!view.matrixPanel) buildMatrix(view);
  const p = view.matrixPanel;
  if (box.firstChild !== p.element) box.replaceChildren(p.element);
  const off = quiz || view.mistake !== null;
  $("layer-back").disabled = off || view.step === 0;
  $("layer-forward").disabled = off || view.step === view.total;
  drawEdited(p);
  const focus = quiz ? null : view.current(), backward = view.step > view.forwardOrder.length;
  let first = null;
  for (const s of p.sections) {
    const on = focus !== null && (s.eq.kind !== "forward") === backward && resultNodes(s.eq).includes(focus);
    s.element.classList.toggle("current", on);
    if (on) s.element.setAttribute("aria-current", "step");
    else s.element.removeAttribute("aria-current");
    if (on && first === null) first = s.element;
  }
  if (first) keepEquationInSight(first);
  const known = new Map(view.g.matrix.equations.map((eq) => [eq, equationKnown(view, eq)]));
  const picked = view.matrixLink && view.matrixLink.entry;
  for (const e of p.entries) {
    const shownNumber = e.node !== null ? entryKnown(view, e.m, e.node) : besideKnown(view, e) ?? known.get(e.eq);
    const x = entryValue(view, e), stale = view.edited && !e.follows;
    const text = !shownNumber ? (quiz && e.m.grad ? "?" : "") : x === null ? "—" : number(x);
    if (e.button.textContent !== text) e.button.textContent = text;
    e.button.classList.toggle("stale", stale);
    const said = text === "" ? "not computed yet" : text === "?" ? "? (hidden: quiz)" : text + (stale ? " (not updated for the what-if edit)" : "");
    const name = plainName(e.m.name) + " row " + (e.i + 1) + " column " + (e.j + 1) + ": " + said +
      (e.node === null ? "" : ", node " + view.g.nodes[e.node].name);
    if (e.button.getAttribute("aria-label") !== name) e.button.setAttribute("aria-label", name);
    e.button.classList.toggle("holds", e.node !== null && e.node === view.selected);
    e.button.classList.toggle("picked", e === picked);
  }
}

// What the numbers are after a what-if edit, said above them; the panel's own products and notes greyed.
function drawEdited(p) {
  p.edited.hidden = !view.edited;
  for (const line of p.notes) line.classList.toggle("stale", view.edited);
  if (!view.edited) return;
  const stale = p.entries.some((e) => !e.follows);
  const text = "What-if: the entries that are a node's value or gradient show the new numbers" +
    (stale ? "; the greyed entries (computed for this panel only) and the notes still hold the numbers the page was written with (not updated)."
      : "; the notes still hold the numbers the page was written with.");
  if (p.edited.textContent !== text) p.edited.textContent = text;
}

// The step's equation in sight: the panel scrolls (only it, as the graph's pane does), below its bar.
function keepEquationInSight(section) {
  const panel = $("matrix"), box = section.getBoundingClientRect(), seen = panel.getBoundingClientRect();
  const top = seen.top + document.querySelector("#matrix .matrix-bar").offsetHeight;
  if (box.top < top) panel.scrollTop -= top - box.top + 4;
  else if (box.bottom > seen.bottom) panel.scrollTop += Math.min(box.bottom - seen.bottom + 4, box.top - top - 4);
}

// Open or close the panel. Opening it folds the side panel, on every screen: the graph keeps the room it
// needs to show an entry's nodes and the loss ("panel ▸" brings the side panel back beside both).
function setMatrix(open, quiet) {
  matrixOpen = open;
  if (open) {
    if (!document.body.classList.contains("panel-closed")) setPanel(false, true);
    panelFoldedAtStart = false;  // a click on an entry or a node leaves it folded: the graph keeps its room
  }
  if (!quiet) {
    update();
    refit();
  }
}
