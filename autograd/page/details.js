// chainrule's page: the side panel's node details (reverse and forward mode), the cost of each mode and
// an expression page's given values.
// --- side panel: one node's numbers, rules and explanation ------------------------------------------
function row(parent, key, value, className) {
  const line = el("div", "row");
  line.append(el("span", "key", key), el("span", "val " + (className || ""), value));
  parent.append(line);
}

function drawDetails() {
  const box = $("details");
  box.replaceChildren();
  const k = view.selected;
  if (k === null) {
    box.append(el("h2", "", "Click a node"), el("p", "muted", view.forward
      ? "Its value, its tangent, the local gradients to its inputs and the forward step that gives its tangent."
      : "Its value, its gradient, the local gradients to its inputs and the chain rule that gives its gradient."));
    return;
  }
  const g = view.g, node = g.nodes[k], r = view.result;
  const head = el("h2");
  head.append(el("span", "name", node.name), el("span", "role role-" + node.role, roleWord(node)));
  box.append(head);
  const sum = view.picture === "slide" && g.slide.sums[k];  // a fused box: its whole sum, net_o1 = w5·h1 + w6·h2 + b2
  if (sum) box.append(el("p", "formula", sum.lhs + sum.symbolic));
  else if (node.lhs) box.append(el("p", "formula", node.lhs + node.symbolic));  // net_o1 = w5·h1 + w6·h2
  if (node.editable) box.append(el("p", "muted", "A leaf: change its number under “What if?”."));
  // While stepping, only what is known at this step: no number before its pass has reached it.
  const valueKnown = quiz || view.valueShown(k);
  if (view.mistake) {
    drawMistakeDetails(box, k);
    return;
  }
  if (view.forward) {
    drawTangentDetails(box, k, valueKnown);
    return;
  }
  const gradKnown = quiz ? view.answered().has(k) : view.gradShown(k);
  row(box, "value", valueKnown ? number(r.values[k]) : "not computed yet");
  let grad = "not computed yet (step backward)";
  if (quiz && !gradKnown) grad = "hidden (quiz)";
  else if (gradKnown) grad = number(r.grads[k]);
  row(box, "gradient " + node.head, grad, "grad");
  drawLocals(box, k, valueKnown);
  if (!gradKnown) {
    const stepsTo = view.forwardOrder.length + view.backwardAt.get(k) + 1;
    box.append(el("p", "muted", quiz ? "Answer the quiz to see its chain rule."
      : "Its chain rule and numbers appear at step " + stepsTo + " (press End to see everything)."));
    return;
  }
  box.append(el("h3", "", "Chain rule for its gradient"), el("p", "caption", view.stepCaption(k, true)));
  const derivation = derivationText(g, k, r);
  if (derivation !== null) {
    const text = el("p", "caption", derivation);
    text.id = "derivation";
    box.append(el("h3", "", "Every path from the output"), text);
  }
}

// What a screen reader says when node k is selected: its value, its gradient (or tangent) and the line
// that gives it, as far as this step (or the quiz) has shown them; the side panel holds the same.
function spokenNode(k) {
  const g = view.g, node = g.nodes[k], r = view.result, valueKnown = quiz || view.valueShown(k);
  const said = [node.name + " selected: value " + (valueKnown ? number(r.values[k]) : "not computed yet")];
  if (view.mistake) {
    const so = view.wrongSoFar()[k];
    said.push("right gradient " + node.head + " = " + number(view.mistake.right[k]),
      "wrong pass so far " + (so === null ? "not written yet" : number(so)));
  } else if (view.forward) {
    const known = node.op === null || (quiz ? view.answered().has(k) || !view.t.reaches[k] : valueKnown);
    const head = "tangent " + tangentHead(g, k, view.wrt);
    if (known) said.push(head + " = " + number(view.t.dots[k]), "forward step: " + view.tangentCaption(k));
    else said.push(head + (quiz ? " hidden (quiz)" : " not computed yet"));
  } else {
    const known = quiz ? view.answered().has(k) : view.gradShown(k);
    const head = "gradient " + node.head;
    if (known) said.push(head + " = " + number(r.grads[k]), "chain rule: " + view.stepCaption(k, true));
    else said.push(head + (quiz ? " hidden (quiz)" : " not computed yet"));
  }
  return said.join("; ") + ".";
}

function drawLocals(box, k, valueKnown) {
  const g = view.g, node = g.nodes[k];
  if (node.op === null) return;
  if (view.picture === "slide" && g.slide.sums[k]) {  // a fused box: its arrows', each a sum over its paths
    box.append(el("h3", "", "Local gradients (its arrows, through the box)"));
    for (const a of arrowsInto(g, k)) {
      row(box, "∂" + node.wrapped + "/∂" + g.nodes[a.tail].wrapped, valueKnown ? number(arrowLocal(g, view.result, a)) : "not computed yet", "local");
    }
    return;
  }
  box.append(el("h3", "", "Local gradients (rule table)"));
  node.local.forEach((item, i) => {
    row(box, item.prefix + " = " + item.rule, valueKnown ? number(view.result.locals[k][i]) : "not computed yet", "local");
  });
  if (node.note) box.append(el("p", "muted", node.note));
}
// Forward mode: the node's tangent by the chosen input, and the step that computes it.
function drawTangentDetails(box, k, valueKnown) {
  const g = view.g, node = g.nodes[k];
  row(box, "value", valueKnown ? number(view.result.values[k]) : "not computed yet");
  const known = node.op === null || (quiz ? view.answered().has(k) || !view.t.reaches[k] : valueKnown);
  let tangent = "not computed yet (step forward)";
  if (quiz && !known) tangent = "hidden (quiz)";
  else if (known) tangent = number(view.t.dots[k]);
  row(box, "tangent " + tangentHead(g, k, view.wrt), tangent, "tangent");
  drawLocals(box, k, valueKnown);
  if (!known) {
    box.append(el("p", "muted", quiz ? "Answer the quiz to see its forward step."
      : "Its tangent appears at step " + (view.forwardAt.get(k) + 1) + " (press End to see everything)."));
    return;
  }
  box.append(el("h3", "", "Forward mode: its tangent"), el("p", "caption", view.tangentCaption(k)));
}


// --- forward or reverse: what each mode costs for the whole gradient, and this sweep so far ------------
function drawCost() {
  const c = view.g.counts, box = $("cost");
  const sweeps = (n, what) => n + " " + what + (n === 1 ? "" : "s");
  box.replaceChildren(el("h2", "", "Forward or reverse mode?"), el("p", "muted",
    "Multiply-adds for the whole gradient (" + sweeps(c.inputs, "input") + ", " + sweeps(c.outputs, "output") +
    ", " + c.edges + " variable operands: one multiply-add each per sweep)."));
  row(box, "forward mode: " + sweeps(c.inputs, "tangent sweep") + " × " + c.edges, String(c.forward), "count");
  row(box, "reverse mode: " + sweeps(c.outputs, "adjoint sweep") + " × " + c.edges, String(c.reverse), "count");
  const line = el("p", "muted", "This " + (view.forward ? "tangent" : "adjoint") + " sweep so far: " +
    view.multiplyAdds() + " of " + c.edges + " multiply-adds.");
  line.id = "sweep";
  box.append(line);
}

// --- a page made from an expression: the expression and its inputs' values, at the top ------------------
function drawGiven() {
  const box = $("given");
  box.hidden = typeof DATA.expression !== "string";
  if (box.hidden) return;
  const values = view.g.inputs.map((k) => {
    const changed = view.leaves[k] !== view.original[k];
    return view.g.nodes[k].name + " = " + number(view.leaves[k], 6) + (changed ? " (was " + number(view.original[k], 6) + ")" : "");
  });
  const shown = DATA.expression === DATA.title ? [] : [DATA.expression];
  if (values.length) shown.push("at " + values.join(", "));
  box.textContent = shown.join("   ");
}
