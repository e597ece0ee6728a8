// chainrule's page: the mistake view, a wrong backward pass (exported by autograd.lab) stepped
// beside the right numbers.

// The wrong pass as a picture steps it: every write on the full graph; on a graph drawn only as the slide
// view (neurons fused), its writes to boxes (a write inside a box has nothing to show it), the first wrong
// node being then the first box the pass reaches whose gradient ends wrong. Write numbers are cached.
function mistakeOn(g, m, picture) {
  const boxed = picture === "slide" ? new Set(g.slide.boxes) : null;
  let shown = m;
  if (boxed) {
    shown = Object.assign({}, m, { steps: m.steps.filter(([k]) => boxed.has(k)), writes: m.steps.length, firstWrite: null });
  }
  if (!shown.firstWrite) {
    shown.firstWrite = new Map();
    shown.lastWrite = new Map();
    shown.steps.forEach(([k], i) => {
      if (!shown.firstWrite.has(k)) shown.firstWrite.set(k, i + 1);
      shown.lastWrite.set(k, i + 1);
    });
  }
  if (boxed && shown.first !== null && !boxed.has(shown.first)) {
    shown.first = Array.from(shown.firstWrite.keys()).find((k) => endsWrong(m, k)) ?? null;
  }
  return shown;
}
// The wrong pass's final number differs from the right one (the tolerance of autograd.lab.compare).
function endsWrong(m, k) {
  const a = m.right[k], b = m.wrong[k];
  return Math.abs(a - b) > Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 1e-12);
}

Object.assign(View.prototype, {
  // The mistake view steps through a wrong backward pass exported by Python (autograd.lab.compare):
  // its writes in its own order, on the numbers the page was written with. No wrong algorithm lives here.
  setMistake(key) {
    const m = key ? this.g.mistakes.find((item) => item.key === key && item.steps) : null;
    if (key && !m) throw new PageError("this page cannot step through the mistake " + JSON.stringify(key) + ".");
    this.mistake = m ? mistakeOn(this.g, m, this.picture) : null;
    if (!m) return;
    this.mode = "reverse";
    this.step = 0;
  },
  // Node k's gradient in the wrong pass after this step (null: not written yet).
  wrongSoFar() {
    const so = new Array(this.g.nodes.length).fill(null);
    for (let i = 0; i < this.step; i++) so[this.mistake.steps[i][0]] = this.mistake.steps[i][1];
    return so;
  },
  endsWrong(k) { return endsWrong(this.mistake, k); },
  // Done: the wrong pass writes node k no more after this step.
  doneWith(k) { return this.mistake.lastWrite.has(k) && this.mistake.lastWrite.get(k) <= this.step; },
  mistakeCaption() {
    const m = this.mistake, g = this.g;
    if (this.step === 0) {
      const only = m.writes ? " (the " + m.steps.length + " of its " + m.writes + " writes that go to a box of this picture)" : "";
      return "Mistake: " + m.title + ". The wrong code " + m.does + ".\nStep through its writes, in its own order" + only + ": " +
        "each box shows the wrong pass's gradient so far; the right one is beside it in the side panel.";
    }
    const [k, x] = m.steps[this.step - 1], node = g.nodes[k];
    let text = "wrong pass, write " + this.step + ": " + node.head + " = " + number(x) + "   (right: " + number(m.right[k]) + ")";
    if (m.lastWrite.get(k) !== this.step) text += "   more writes to come";
    else text += this.endsWrong(k) ? "   final, and wrong" : "   final, and right";
    if (k === m.first && m.firstWrite.get(k) === this.step) {
      text += "\n← first: " + node.name + " is the first node the wrong pass reaches whose gradient ends wrong (it ends at " +
        number(m.wrong[k]) + "; the right one is " + number(m.right[k]) + ").";
    }
    if (this.step === m.steps.length) text += "\n" + this.mistakeVerdict();
    return text;
  },
  mistakeVerdict() {
    const m = this.mistake;
    if (m.same) return "On this graph the mistake does no harm: " + m.harmless + ". Every gradient comes out right.";
    const n = this.g.nodes.filter((_, k) => this.endsWrong(k)).length;
    const ends = n + (n === 1 ? " node ends" : " nodes end") + " with a wrong gradient";
    if (m.first === null) return ends + ", all of them inside the boxes.";
    return ends + "; the first the wrong pass reaches" + (m.writes ? " among the boxes" : "") + " is " +
      this.g.nodes[m.first].name + " (write " + m.firstWrite.get(m.first) + ").";
  },
});

function drawMistakeDetails(box, k) {
  const m = view.mistake, so = view.wrongSoFar()[k];
  row(box, "value", number(view.result.values[k]));
  row(box, "right gradient " + view.g.nodes[k].head, number(m.right[k]), "grad");
  row(box, "wrong pass so far", so === null ? "not written yet" : number(so), "wrong");
  const writes = m.steps.map(([j], i) => i + 1).filter((i) => m.steps[i - 1][0] === k);
  box.append(el("p", "muted", writes.length === 0 ? "The wrong pass never writes it."
    : "The wrong pass writes it at step" + (writes.length === 1 ? " " : "s ") + writes.join(", ") +
      "; it ends at " + number(m.wrong[k]) + (view.endsWrong(k) ? " (wrong)." : " (right).")));
  drawLocals(box, k, true);
}
function drawMistake() {
  const box = $("mistake-box"), m = view.mistake;
  box.hidden = m === null;
  $("cost").hidden = m !== null;
  for (const input of $("whatif").querySelectorAll("input")) input.disabled = m !== null;
  // Its fields off, a list that scrolls is still reached by Tab, to be scrolled with the keys (2.1.1).
  const fields = $("whatif").querySelector(".fields");
  if (fields && m !== null) fields.tabIndex = 0;
  else if (fields) fields.removeAttribute("tabindex");
  if (m === null) return;
  box.replaceChildren(el("h2", "", "Mistake: " + m.title), el("p", "", "The wrong code " + m.does + "."));
  const code = el("pre", "code", m.code);
  code.id = "mistake-code";
  box.append(code);
  const verdict = el("p", m.same ? "verdict right" : "verdict wrong", (m.same ? "" : "At the end: ") + view.mistakeVerdict());
  verdict.id = "mistake-verdict";
  box.append(verdict, el("p", "muted", "This view shows the numbers the page was written with (computed by " +
    "autograd.lab); what-if edits and the quiz are off while a mistake is chosen."));
  const so = view.wrongSoFar(), table = el("table", "compare");
  const headRow = el("tr");
  headRow.append(el("th", "", "node"), el("th", "", "right"), el("th", "", "wrong so far"));
  table.append(headRow);
  // In the wrong pass's own order of first writes; a node it has not reached yet stays blank.
  for (const k of m.firstWrite.keys()) {
    const line = el("tr");
    line.dataset.node = String(k);
    const wrong = el("td", "num", so[k] === null ? "" : number(so[k]));
    if (view.doneWith(k) && view.endsWrong(k)) line.classList.add("differs");
    if (k === m.first && so[k] !== null) line.classList.add("first");
    line.append(el("td", "name", view.g.nodes[k].name + (k === m.first && so[k] !== null ? " ← first" : "")),
      el("td", "num", number(m.right[k])), wrong);
    table.append(line);
  }
  box.append(table);
}
function setMistake(key) {
  stop();
  // The wrong pass writes nodes inside the slide view's boxes too: it is stepped on the full graph.
  if (key && view.picture === "slide" && view.g.pictures.includes("full")) {
    showPicture("full");
    showNote("The mistake view steps through every write of the wrong pass, to the nodes inside a box too, so it shows the full graph.");
  }
  if (key && view.edited) {
    view.restore();
    $("whatif").dataset.graph = "";
    showNote("The what-if edits were undone: the mistake view shows the numbers the page was written with.");
  }
  view.setMistake(key);
  if (key) {
    quiz = false;
    $("quiz-mode").checked = false;
  }
  feedback = null;
  showError(null);
  update();
}
// Why a mistake cannot run on this graph: the lab's reason, without the mistake's key it starts with, its
// names as plain text (∇_{a₃} L → ∇a₃ L: a note is text, matrix_names.js).
function cannotRun(m) {
  const why = String(m.skipped || "the page has no wrong pass for it");
  return plainName(why.startsWith(m.key + ": ") ? why.slice(m.key.length + 2) : why).replace(/\.$/, "");
}
