// chainrule's page: what-if, a leaf's number changed and everything recomputed with the rule table.
function drawWhatIf() {
  const box = $("whatif");
  if (box.dataset.graph === String(views.indexOf(view)) && box.dataset.edited === String(view.edited)) {
    // Keep the fields (and the learner's cursor) while only the numbers change.
    for (const input of box.querySelectorAll("input[data-node]")) {
      if (document.activeElement !== input && !input.classList.contains("invalid")) {
        input.value = String(view.leaves[Number(input.dataset.node)]);
      }
      input.parentElement.classList.toggle("selected", Number(input.dataset.node) === view.selected);
    }
    return;
  }
  box.dataset.graph = String(views.indexOf(view));
  box.dataset.edited = String(view.edited);
  box.replaceChildren(el("h2", "", "What if?"),
    el("p", "muted", "Change an input, a weight or a target: every value and gradient follows."));
  const editable = view.g.nodes.map((node, k) => [node, k]).filter(([node]) => node.editable);
  if (editable.length === 0) box.append(el("p", "muted", "This graph has no labelled leaves to change."));
  const list = el("div", "fields");
  list.setAttribute("role", "group");
  list.setAttribute("aria-label", "the leaves' values");
  for (const [node, k] of editable) {
    const label = el("label", "field role-" + node.role);
    const input = el("input");
    input.type = "text";
    input.inputMode = "decimal";
    input.value = String(view.leaves[k]);
    input.dataset.node = String(k);
    input.setAttribute("aria-label", "value of " + node.name);
    input.addEventListener("change", () => editLeaf(input, k));
    const name = el("span", "", node.name);
    name.title = node.name;
    label.append(name, input);
    label.classList.toggle("selected", k === view.selected);
    list.append(label);
  }
  box.append(list);
  if (view.edited) {
    const restore = el("button", "", "restore the original numbers");
    restore.type = "button";
    restore.id = "restore";
    restore.addEventListener("click", () => { view.restore(); showError(null); box.dataset.graph = ""; update(); });
    box.append(restore);
  }
}

function editLeaf(input, k) {
  const x = parseNumber(input.value);
  if (x === null) {
    input.classList.add("invalid");
    showError(view.g.nodes[k].name + ": " + JSON.stringify(input.value) + " is not a finite number.");
    return;
  }
  try {
    view.setLeaf(k, x);
  } catch (error) {
    if (!(error instanceof PageError)) throw error;
    input.classList.add("invalid");
    showError("Cannot use " + view.g.nodes[k].name + " = " + number(x, 6) + ": " + error.message);
    return;
  }
  for (const other of $("whatif").querySelectorAll("input.invalid")) other.classList.remove("invalid");
  showError(null);
  update();
}
