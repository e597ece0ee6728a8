// chainrule's page, the interface: step through a graph's forward and backward passes, explore nodes,
// change numbers, quiz yourself. The numbers come from pageCompute (page_compute.js); this file knows no
// derivative. Data is only ever written with textContent, never parsed as markup.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("page-data").textContent);
  const { number, parseNumber, PageError, compute, forwardCaption, backwardCaption } = pageCompute(DATA.digits);
  const PLAY_MS = 900;

  const $ = (id) => document.getElementById(id);
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- one graph on the page: its picture, numbers and steps --------------------------------------------
  class View {
    constructor(g, container) {
      this.g = g;
      this.container = container;
      this.original = g.nodes.map((node) => node.data);
      this.leaves = this.original.slice();
      this.result = compute(g, this.leaves);
      this.edited = false;
      this.forwardOrder = g.nodes.map((_, k) => k).filter((k) => g.nodes[k].op !== null);
      this.backwardOrder = g.nodes.map((_, k) => g.nodes.length - 1 - k);
      this.forwardAt = new Map(this.forwardOrder.map((k, i) => [k, i]));
      this.backwardAt = new Map(this.backwardOrder.map((k, i) => [k, i]));
      this.total = this.forwardOrder.length + this.backwardOrder.length;
      this.step = 0;
      this.answered = new Set();
      this.selected = null;
      this.measured = false;
      this.findShapes();
    }

    // The renderer's SVG names node k "n<k>" in its <title>; numbers follow their "value"/"grad" keys.
    findShapes() {
      this.shapes = this.g.nodes.map(() => ({ group: null, value: null, grad: null }));
      this.edges = this.g.nodes.map((node) => node.parents.map(() => null));
      for (const group of this.container.querySelectorAll("g.node")) {
        const title = group.querySelector("title");
        const m = title && /^n(\d+)$/.exec(title.textContent.trim());
        if (!m) continue;
        const k = Number(m[1]);
        const texts = Array.from(group.querySelectorAll("text"));
        const shape = this.shapes[k];
        shape.group = group;
        texts.forEach((t, i) => {
          if (t.textContent === "value") shape.value = texts[i + 1];
          if (t.textContent === "grad") shape.grad = texts[i + 1];
        });
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "button");
        group.setAttribute("aria-label", this.g.nodes[k].name);
        group.dataset.node = String(k);
      }
      const seen = new Map();
      for (const group of this.container.querySelectorAll("g.edge")) {
        const title = group.querySelector("title");
        const m = title && /^n(\d+)->n(\d+)$/.exec(title.textContent.trim());
        const text = group.querySelector("text");
        if (!m || !text) continue;
        const parent = Number(m[1]), user = Number(m[2]);
        const key = parent + ">" + user;
        const skip = seen.get(key) || 0;  // x·x: two edges from one parent, in input order
        seen.set(key, skip + 1);
        let count = 0;
        this.g.nodes[user].parents.forEach((p, i) => {
          if (p === parent && count++ === skip) this.edges[user][i] = text;
        });
      }
    }

    // Numbers keep their right edge when they change, as the renderer right-aligns them; the room left
    // of it (up to the "value"/"grad" key) is what a longer number may fill.
    measure() {
      if (this.measured) return;
      this.measured = true;
      this.room = new Map();
      for (const shape of this.shapes) {
        for (const text of [shape.value, shape.grad]) {
          if (!text) continue;
          const key = text.previousElementSibling;
          const right = Number(text.getAttribute("x")) + text.getComputedTextLength();
          const left = Number(key.getAttribute("x")) + key.getComputedTextLength() + 3;
          text.setAttribute("text-anchor", "end");
          text.setAttribute("x", String(right));
          this.room.set(text, { chars: text.textContent.length, width: right - left });
        }
      }
    }

    // A number longer than the one the layout was made for is squeezed into the room, not over the key.
    setNumber(text, content) {
      if (text.textContent === content) return;
      text.textContent = content;
      text.removeAttribute("textLength");
      const room = this.room.get(text);
      if (room && content.length > room.chars && text.getComputedTextLength() > room.width) {
        text.setAttribute("textLength", String(room.width));
        text.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    }

    forwardDone() { return Math.min(this.step, this.forwardOrder.length); }
    backwardDone() { return Math.max(0, this.step - this.forwardOrder.length); }
    valueShown(k) {
      return this.g.nodes[k].op === null || this.forwardAt.get(k) < this.forwardDone();
    }
    gradShown(k) { return this.backwardAt.get(k) < this.backwardDone(); }
    current() {
      if (this.step === 0) return null;
      const f = this.forwardOrder.length;
      return this.step <= f ? this.forwardOrder[this.step - 1] : this.backwardOrder[this.step - f - 1];
    }
    caption() {
      const k = this.current();
      if (k === null) {
        return "Step through the forward pass (each value from its inputs), then the backward pass " +
          "(each gradient from its users' by the chain rule). Click any node for its explanation.";
      }
      return this.step <= this.forwardOrder.length ? forwardCaption(this.g, k, this.result)
        : backwardCaption(this.g, k, this.result);
    }

    setLeaf(k, x) {
      const leaves = this.leaves.slice();
      leaves[k] = x;
      this.result = compute(this.g, leaves);  // throws before anything changes
      this.leaves = leaves;
      this.edited = this.leaves.some((v, i) => v !== this.original[i]);
    }
    restore() {
      this.leaves = this.original.slice();
      this.result = compute(this.g, this.leaves);
      this.edited = false;
    }

    // `focus`: the node of the current step, or the quiz's question.
    draw(quiz, focus) {
      const r = this.result;
      this.shapes.forEach((shape, k) => {
        if (!shape.group) return;
        const showValue = quiz || this.valueShown(k);
        if (shape.value) this.setNumber(shape.value, showValue ? number(r.values[k]) : "");
        if (shape.grad) {
          let text = "";
          if (quiz) text = this.answered.has(k) ? number(r.grads[k]) : "?";
          else if (this.gradShown(k)) text = number(r.grads[k]);
          this.setNumber(shape.grad, text);
        }
        shape.group.classList.toggle("current", k === focus);
        shape.group.classList.toggle("selected", k === this.selected);
        shape.group.classList.toggle("pending", !quiz && !showValue);
      });
      this.edges.forEach((texts, user) => texts.forEach((text, i) => {
        if (text) text.textContent = quiz || this.valueShown(user) ? number(r.locals[user][i]) : "";
      }));
    }
  }

  // --- the page ------------------------------------------------------------------------------------------
  const containers = Array.from(document.querySelectorAll("#graphs > .graph-pane"));
  const views = DATA.graphs.map((g, i) => new View(g, containers[i]));
  let view = views[0];
  let quiz = false;
  let timer = null;
  let feedback = null;  // the quiz's last verdict: {right, typed, value, head, caption}

  function showWarnings() {
    const box = $("warnings");
    box.replaceChildren(...view.g.warnings.map((text) => el("p", "", text)));
    box.hidden = view.g.warnings.length === 0;
  }

  // --- zoom: a wide graph starts at a readable size and scrolls; the current node is kept in sight ----
  function naturalWidth(v) {
    const svg = v.container.querySelector("svg");
    const width = svg.getAttribute("width") || "";
    return parseFloat(width) * (width.endsWith("pt") ? 4 / 3 : 1);
  }
  function fitScale(v) {
    return Math.min(1.25, ($("graphs").clientWidth - 2) / naturalWidth(v));
  }
  function zoom(v, scale) {
    v.scale = scale;
    const svg = v.container.querySelector("svg");
    svg.style.width = Math.round(naturalWidth(v) * scale) + "px";
    svg.style.height = "auto";
  }

  // Scroll the graph's pane only (scrollIntoView would also scroll a notebook around the page's iframe).
  function keepInSight(group) {
    const pane = $("graphs");
    const box = group.getBoundingClientRect(), seen = pane.getBoundingClientRect();
    const margin = 24;
    if (box.left < seen.left) pane.scrollLeft -= seen.left - box.left + margin;
    else if (box.right > seen.right) pane.scrollLeft += box.right - seen.right + margin;
    if (box.top < seen.top) pane.scrollTop -= seen.top - box.top + margin;
    else if (box.bottom > seen.bottom) pane.scrollTop += box.bottom - seen.bottom + margin;
  }

  function showError(message) {
    const box = $("error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function update() {
    view.measure();
    const focus = quiz ? question() : view.current();
    view.draw(quiz, focus);
    const f = view.forwardOrder.length;
    let where = "start";
    if (view.step > 0) where = view.step <= f ? "forward pass" : "backward pass";
    $("counter").textContent = quiz ? "quiz: values computed, gradients hidden"
      : "step " + view.step + " of " + view.total + " · " + where;
    $("caption").textContent = quiz ? quizPrompt() : view.caption();
    $("reset").disabled = $("back").disabled = quiz || view.step === 0;
    $("forward").disabled = $("end").disabled = quiz || view.step === view.total;
    $("play").disabled = quiz;
    $("play").textContent = timer ? "⏸ pause" : "▶ play";
    $("quiz").hidden = !quiz;
    if (quiz) drawQuiz();
    if (focus !== null && view.shapes[focus].group) keepInSight(view.shapes[focus].group);
    drawDetails();
    drawWhatIf();
  }

  function go(step) {
    view.step = Math.max(0, Math.min(view.total, step));
    if (view.step === view.total) stop();
    update();
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }
  function togglePlay() {
    if (quiz) return;
    if (timer) {
      stop();
    } else {
      if (view.step === view.total) view.step = 0;
      timer = setInterval(() => go(view.step + 1), PLAY_MS);
    }
    update();
  }

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
      box.append(el("h2", "", "Click a node"), el("p", "muted",
        "Its value, its gradient, the local gradients to its inputs and the chain rule that gives its gradient."));
      return;
    }
    const g = view.g, node = g.nodes[k], r = view.result;
    const head = el("h2");
    head.append(el("span", "name", node.name), el("span", "role role-" + node.role, node.role));
    box.append(head);
    if (node.lhs) box.append(el("p", "formula", node.lhs + node.symbolic));  // net_o1 = w5·h1 + w6·h2
    if (node.editable) box.append(el("p", "muted", "A leaf: change its number under “What if?”."));
    row(box, "value", quiz || view.valueShown(k) ? number(r.values[k]) : "not computed yet");
    let grad = "not computed yet (step backward)";
    if (quiz) grad = view.answered.has(k) ? number(r.grads[k]) : "hidden (quiz)";
    else if (view.gradShown(k)) grad = number(r.grads[k]);
    row(box, "gradient " + node.head, grad, "grad");
    if (node.op !== null) {
      box.append(el("h3", "", "Local gradients (rule table)"));
      node.local.forEach((item, i) => {
        row(box, item.prefix + " = " + item.rule, number(r.locals[k][i]), "local");
      });
      if (node.note) box.append(el("p", "muted", node.note));
    }
    if (!quiz || view.answered.has(k)) {
      box.append(el("h3", "", "Chain rule for its gradient"), el("p", "caption", backwardCaption(g, k, r)));
    }
    if (node.explain && (!quiz || view.answered.has(k))) {
      box.append(el("h3", "", "Every path from the output"), el("p", "caption", node.explain));
      if (view.edited) box.append(el("p", "muted", "(written for the page's original numbers; the chain rule above follows your edits)"));
    }
  }

  // --- what-if: change a leaf, recompute everything with the rule table -------------------------------
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

  // --- quiz: gradients hidden; type one, get told right or wrong and, if wrong, the step you missed -----
  function quizTargets() {
    // Backward order, so each question needs only answers above it. The slides' named nodes are asked
    // (an unnamed a + b between them is a click away); a graph without names asks every computed node.
    const g = view.g;
    const named = view.backwardOrder.filter((k) => k !== g.root && g.nodes[k].label);
    return named.length ? named : view.backwardOrder.filter((k) => k !== g.root && g.nodes[k].op !== null);
  }
  function question() {
    if (view.selected !== null && !view.answered.has(view.selected) && view.selected !== view.g.root) return view.selected;
    return quizTargets().find((k) => !view.answered.has(k)) ?? null;
  }
  function quizPrompt() {
    const k = question();
    return k === null ? "Quiz done: every gradient answered." : "What is " + view.g.nodes[k].head + "? Type it in the quiz box.";
  }
  function drawQuiz() {
    const box = $("quiz");
    const k = question();
    const focused = document.activeElement && document.activeElement.id === "answer";
    box.replaceChildren(el("h2", "", "Quiz"));
    if (feedback) {
      const verdict = el("p", feedback.right ? "verdict right" : "verdict wrong");
      verdict.id = "verdict";
      verdict.textContent = feedback.right
        ? "Right: " + feedback.head + " = " + number(feedback.value) + "."
        : "Not quite: you typed " + feedback.typed + ". The step you missed:";
      box.append(verdict);
      if (!feedback.right) {
        const missed = el("p", "caption", feedback.caption);
        missed.id = "missed";
        box.append(missed);
      }
    }
    if (k === null) {
      box.append(el("p", "", "Every gradient is answered. Untick quiz mode to step through the passes."));
      return;
    }
    const form = el("form");
    const label = el("label", "", view.g.nodes[k].head + " = ");
    const input = el("input");
    input.id = "answer";
    input.type = "text";
    input.inputMode = "decimal";
    input.autocomplete = "off";
    input.dataset.node = String(k);
    const check = el("button", "", "check");
    check.type = "submit";
    check.id = "check";
    label.append(input);
    form.append(label, check);
    form.addEventListener("submit", (event) => { event.preventDefault(); answer(k, input.value); });
    box.append(form, el("p", "muted", "Right within 1% (or 0.0001). Click a node to be asked about it."));
    if (focused) input.focus();
  }
  function answer(k, typed) {
    const x = parseNumber(typed);
    const node = view.g.nodes[k];
    if (x === null) {
      feedback = { right: false, typed: JSON.stringify(typed) + " (not a number)", caption: "Type a number such as 0.1385 or −2e−3.", head: node.head };
      update();
      return;
    }
    const truth = view.result.grads[k];
    const right = Math.abs(x - truth) <= Math.max(1e-4, 0.01 * Math.abs(truth));
    feedback = { right: right, typed: number(x, 6), value: truth, head: node.head, caption: backwardCaption(view.g, k, view.result) };
    if (right) {
      view.answered.add(k);
      if (view.selected === k) view.selected = null;
    }
    update();
    const next = $("answer");
    if (next) next.focus();
  }

  // --- wiring ----------------------------------------------------------------------------------------------
  function select(k) {
    view.selected = k;
    if (quiz) feedback = null;
    update();
  }
  function showGraph(i) {
    stop();
    view = views[i];
    containers.forEach((c, j) => { c.hidden = j !== i; });
    feedback = null;
    showError(null);
    showWarnings();
    // Fit a small graph; a wide one starts no smaller than 60% and scrolls sideways.
    if (view.scale === undefined) zoom(view, Math.max(fitScale(view), 0.6));
    update();
  }

  $("reset").addEventListener("click", () => { stop(); go(0); });
  $("back").addEventListener("click", () => { stop(); go(view.step - 1); });
  $("forward").addEventListener("click", () => { stop(); go(view.step + 1); });
  $("end").addEventListener("click", () => { stop(); go(view.total); });
  $("play").addEventListener("click", togglePlay);
  // A mouse click leaves the focus where it was, so that space and the arrows keep driving the steps
  // (a button reached with Tab still takes space and Enter as its own click).
  $("controls").addEventListener("mousedown", (event) => {
    if (event.target.closest("button")) event.preventDefault();
  });
  $("fit").addEventListener("click", () => zoom(view, fitScale(view)));
  $("zoom-in").addEventListener("click", () => zoom(view, view.scale * 1.25));
  $("zoom-out").addEventListener("click", () => zoom(view, view.scale / 1.25));
  $("quiz-mode").addEventListener("change", (event) => {
    stop();
    quiz = event.target.checked;
    feedback = null;
    update();
  });
  for (const container of containers) {
    container.addEventListener("click", (event) => {
      const group = event.target.closest("g.node");
      if (group && group.dataset.node !== undefined) select(Number(group.dataset.node));
    });
    container.addEventListener("keydown", (event) => {
      const group = event.target.closest && event.target.closest("g.node");
      if (group && (event.key === "Enter") && group.dataset.node !== undefined) select(Number(group.dataset.node));
    });
  }
  document.addEventListener("keydown", (event) => {
    const tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (tag === "BUTTON" && (event.key === " " || event.key === "Enter")) return;  // the button's own click
    if (quiz) return;
    const actions = {
      ArrowRight: () => { stop(); go(view.step + 1); },
      ArrowLeft: () => { stop(); go(view.step - 1); },
      " ": togglePlay,
      r: () => { stop(); go(0); },
      R: () => { stop(); go(0); },
      Home: () => { stop(); go(0); },
      End: () => { stop(); go(view.total); },
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  if (views.length > 1) {
    const picker = $("case");
    views.forEach((v, i) => picker.append(el("option", "", v.g.nodes[v.g.root].name)));
    picker.addEventListener("change", () => showGraph(picker.selectedIndex));
    $("case-picker").hidden = false;
  }
  // For tests and curious learners: the numbers on screen, as numbers.
  window.chainrule = {
    values: () => view.result.values.slice(),
    grads: () => view.result.grads.slice(),
    names: () => view.g.nodes.map((node) => node.name),
    caption: (k, backward) => (backward ? backwardCaption : forwardCaption)(view.g, k, view.result),
    number: number,
  };
  showGraph(0);
})();
