// --- quiz: gradients hidden; type one, get told right or wrong and, if wrong, the step you missed -----
// A question may be about node k: reverse mode asks any gradient but the output's own (it is given);
// forward mode asks the tangent of a computed node (a leaf's is the seed).
function askable(k) { return view.forward ? view.g.nodes[k].op !== null && view.t.reaches[k] : k !== view.g.root; }
function quizTargets() {
  // In the order of the sweep, so each question needs only answers before it: backward order in reverse
  // mode, forward order (the nodes the input reaches) in forward mode. The slides' named nodes are asked
  // (an unnamed a + b between them is a click away); a graph without names asks every computed node.
  const g = view.g;
  const order = view.forward ? view.forwardOrder.filter((k) => view.t.reaches[k]) : view.backwardOrder;
  const named = order.filter((k) => askable(k) && g.nodes[k].label);
  return named.length ? named : order.filter((k) => askable(k) && g.nodes[k].op !== null);
}
function question() {
  const done = view.answered();
  if (view.selected !== null && !done.has(view.selected) && askable(view.selected)) return view.selected;
  return quizTargets().find((k) => !done.has(k)) ?? null;
}
function questionHead(k) { return view.forward ? tangentHead(view.g, k, view.wrt) : view.g.nodes[k].head; }
function quizPrompt() {
  const k = question();
  const what = view.forward ? "tangent" : "gradient";
  return k === null ? "Quiz done: every " + what + " answered." : "What is " + questionHead(k) + "? Type it in the quiz box.";
}
// The verdict sits in a live region (role status) that stays in place while the rest of the box is
// redrawn, so that a screen reader says each verdict once, when it changes; the answer box is described
// by it, so that focusing the box again reads it too (WCAG 4.1.3).
function drawQuiz() {
  const box = $("quiz");
  const k = question();
  const focused = document.activeElement && document.activeElement.id === "answer";
  let said = $("quiz-feedback"), ask = $("quiz-ask");
  if (!said) {
    said = el("div");
    said.id = "quiz-feedback";
    said.setAttribute("role", "status");
    said.tabIndex = -1;  // focused when no question is left, so that the focus stays in the quiz
    ask = el("div");
    ask.id = "quiz-ask";
    box.replaceChildren(el("h2", "", "Quiz"), said, ask);
  }
  const shown = JSON.stringify(feedback);
  if (said.dataset.shown !== shown) {
    said.dataset.shown = shown;
    said.replaceChildren(...verdictLines());
  }
  if (k === null) {
    ask.replaceChildren(el("p", "", "Every " + (view.forward ? "tangent" : "gradient") +
      " is answered. Untick quiz mode to step through the passes."));
    return;
  }
  const form = el("form");
  const label = el("label", "", questionHead(k) + " = ");
  const input = el("input");
  input.id = "answer";
  input.type = "text";
  input.inputMode = "decimal";
  input.autocomplete = "off";
  input.dataset.node = String(k);
  input.setAttribute("aria-describedby", "quiz-feedback");
  const check = el("button", "", "check");
  check.type = "submit";
  check.id = "check";
  label.append(input);
  form.append(label, check);
  form.addEventListener("submit", (event) => { event.preventDefault(); answer(k, input.value); });
  ask.replaceChildren(form, el("p", "muted", "Right within 1% (or 0.0001). Click a node to be asked about it."));
  if (focused) input.focus();
}
function verdictLines() {
  if (!feedback) return [];
  const verdict = el("p", feedback.right ? "verdict right" : "verdict wrong");
  verdict.id = "verdict";
  if (feedback.invalid) verdict.textContent = feedback.typed + " is not a number: type one such as 0.1385 or −2e−3.";
  else if (feedback.right) verdict.textContent = "Right: " + feedback.head + " = " + number(feedback.value) + ".";
  else verdict.textContent = "Not quite: you typed " + feedback.typed + ". The step you missed:";
  if (feedback.right || feedback.invalid) return [verdict];
  const missed = el("p", "caption", feedback.caption);
  missed.id = "missed";
  return [verdict, missed];
}
let answers = 0;  // a count in each verdict: the same verdict twice is said twice
function answer(k, typed) {
  const x = parseNumber(typed);
  const head = questionHead(k);
  if (x === null) {
    feedback = { right: false, invalid: true, typed: JSON.stringify(typed), head: head, answer: ++answers };
    update();
    return;
  }
  const truth = view.forward ? view.t.dots[k] : view.result.grads[k];
  const right = Math.abs(x - truth) <= Math.max(1e-4, 0.01 * Math.abs(truth));
  const caption = view.forward ? view.tangentCaption(k) : view.stepCaption(k, true);
  feedback = { right: right, typed: number(x, 6), value: truth, head: head, caption: caption, answer: ++answers };
  if (right) {
    view.answered().add(k);
    if (view.selected === k) view.selected = null;
  }
  update();
  // The next question's box (or the same one, to try again); with none left, the verdict that says so.
  const next = $("answer") || $("quiz-feedback");
  if (next) next.focus();
}
