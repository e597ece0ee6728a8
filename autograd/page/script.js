// chainrule's page, the interface: step through a graph's forward and backward passes, explore nodes,
// change numbers, quiz yourself. The numbers come from pageCompute (page_compute.js); this file knows no
// derivative. Data is only ever written with textContent, never parsed as markup.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("page-data").textContent);
  const { number, parseNumber, PageError, compute, forwardCaption, backwardCaption, derivationText } =
    pageCompute(DATA.digits);
  const PLAY_MS = 900;
  const PAUSE = "\u275a\u275a pause";  // ❚❚: DejaVu has it, unlike ⏸ (a box on Debian's fonts)
  const LEGIBLE_PX = 11;  // the smallest text on screen that "fit" allows (a projector at the back row)
  const MAX_SCALE = 2;

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
      this.backwardOrder = g.backward;  // the slides' order: a weight's gradient right after its δ
      this.forwardAt = new Map(this.forwardOrder.map((k, i) => [k, i]));
      this.backwardAt = new Map(this.backwardOrder.map((k, i) => [k, i]));
      this.total = this.forwardOrder.length + this.backwardOrder.length;
      this.step = 0;
      this.answered = new Set();
      this.selected = null;
      this.measured = false;
      this.room = new Map();  // filled by measure()
      this.findShapes();
    }

    // The renderer gives node k the SVG id "node-<k>" and the edge from parent p into operand i of
    // node u "edge-<p>-<u>-<i>" (prefixed "g<graph>-" on the page); numbers follow their "value"/"grad" keys.
    findShapes() {
      this.shapes = this.g.nodes.map(() => ({ group: null, value: null, grad: null }));
      this.edges = this.g.nodes.map((node) => node.parents.map(() => null));
      const n = this.g.nodes.length;
      for (const group of this.container.querySelectorAll("g.node")) {
        const m = /-node-(\d+)$/.exec(group.id);
        if (!m || Number(m[1]) >= n) continue;
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
      for (const group of this.container.querySelectorAll("g.edge")) {
        const m = /-edge-(\d+)-(\d+)-(\d+)$/.exec(group.id);
        const text = group.querySelector("text");
        if (!m || !text) continue;
        const parent = Number(m[1]), user = Number(m[2]), i = Number(m[3]);
        if (user < n && this.g.nodes[user].parents[i] === parent) this.edges[user][i] = text;
      }
    }

    // Numbers keep their right edge when they change, as the renderer right-aligns them; the room left
    // of it (up to the "value"/"grad" key) is what a number may fill. An edge label may fill the free
    // stretch of its line between the boxes left and right of it.
    measure() {
      // A frame not laid out yet (a notebook's iframe while it loads) has no sizes: measure later.
      if (this.measured || this.container.querySelector("svg").getBBox().width === 0) return;
      this.measured = true;

      for (const shape of this.shapes) {
        const texts = [shape.value, shape.grad].filter(Boolean);
        // One right edge for a box's numbers: the renderer's cells may end a little apart.
        const right = Math.max(...texts.map((t) => { const b = t.getBBox(); return b.width ? b.x + b.width : -Infinity; }),
          ...texts.map((t) => Number(t.getAttribute("x"))));
        for (const text of texts) {
          const key = text.previousElementSibling, k = key.getBBox();
          text.setAttribute("text-anchor", "end");
          text.setAttribute("x", String(right));
          this.room.set(text, { left: k.x + k.width + 3, right: right });
          this.fit(text);  // the renderer's own numbers too: its font metrics may not be the browser's
        }
      }
      const boxes = this.shapes.filter((shape) => shape.group)
        .map((shape) => shape.group.querySelector("path, polygon, ellipse").getBBox());
      for (const text of this.edges.flat()) {
        if (!text) continue;
        const box = text.getBBox(), middle = box.x + box.width / 2;
        let left = -Infinity, right = Infinity;
        for (const b of boxes) {
          if (b.y > box.y + box.height || b.y + b.height < box.y) continue;  // not on the label's line
          if (b.x + b.width <= middle) left = Math.max(left, b.x + b.width + 2);
          else if (b.x >= middle) right = Math.min(right, b.x - 2);
        }
        text.setAttribute("text-anchor", "middle");
        text.setAttribute("x", String(middle));
        this.room.set(text, { left: Math.max(left, middle - 4 * box.width), right: Math.min(right, middle + 4 * box.width), middle: middle });
      }
    }

    // A number wider than its room is squeezed into it, never over a key or into a box.
    setNumber(text, content) {
      if (text.textContent === content) return;
      text.textContent = content;
      this.fit(text);
    }
    fit(text) {
      const content = text.textContent;
      text.removeAttribute("textLength");
      const room = this.room.get(text);
      if (!room || content === "") return;
      const width = text.getComputedTextLength(), space = room.right - room.left;
      if (room.middle !== undefined) {  // an edge label: centred where it was, shifted to stay clear
        const x = Math.min(Math.max(room.middle, room.left + width / 2), room.right - width / 2);
        text.setAttribute("x", String(width > space ? (room.left + room.right) / 2 : x));
      }
      if (width > space) {
        text.setAttribute("textLength", String(space));
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
          "(each gradient from the gradients of its users, by the chain rule). Click any node for what is known of it.";
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
        if (text) this.setNumber(text, quiz || this.valueShown(user) ? number(r.locals[user][i]) : "");
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

  // --- zoom: the whole graph if its text stays legible, else legible text and the pane follows the step --
  function svgOf(v) { return v.container.querySelector("svg"); }
  function naturalSize(v) {
    const svg = svgOf(v), px = (length) => parseFloat(length) * (length.endsWith("pt") ? 4 / 3 : 1);
    return { width: px(svg.getAttribute("width") || ""), height: px(svg.getAttribute("height") || "") };
  }
  // The scale at which the graph's smallest text is LEGIBLE_PX on screen (scale 1: the natural size).
  function legibleScale(v) {
    const svg = svgOf(v), units = svg.viewBox.baseVal.width || naturalSize(v).width;
    const sizes = Array.from(svg.querySelectorAll("text[font-size]"), (t) => parseFloat(t.getAttribute("font-size")));
    const smallest = Math.min(...sizes.filter((x) => x > 0), 14);
    return LEGIBLE_PX / (smallest * naturalSize(v).width / units);
  }
  // "fit": the whole graph in the pane, but never smaller than legible.
  function fitScale(v) {
    const pane = $("graphs"), size = naturalSize(v);
    const whole = Math.min((pane.clientWidth - 4) / size.width, (pane.clientHeight - 4) / size.height, MAX_SCALE);
    return Math.max(whole, legibleScale(v));
  }
  function zoom(v, scale, auto) {
    v.scale = scale;
    v.autoScale = Boolean(auto);
    const svg = svgOf(v), size = naturalSize(v);
    svg.style.width = Math.ceil(size.width * scale) + "px";  // up, so the text is never below the aim
    svg.style.height = Math.ceil(size.height * scale) + "px";
  }
  function refit() {
    if (view.autoScale) zoom(view, fitScale(view), true);
    const focus = quiz ? question() : view.current();
    if (focus !== null && view.shapes[focus].group) keepInSight(view.shapes[focus].group);
  }

  // Scroll the graph's pane only (scrollIntoView would also scroll a notebook around the page's iframe).
  // A node out of sight is brought to the middle, so the pane pans with the steps rather than at its edge.
  function keepInSight(group) {
    const pane = $("graphs");
    const box = group.getBoundingClientRect(), seen = pane.getBoundingClientRect();
    const margin = 24;
    if (box.left < seen.left + margin || box.right > seen.right - margin) {
      pane.scrollLeft += (box.left + box.right) / 2 - (seen.left + seen.right) / 2;
    }
    if (box.top < seen.top + margin || box.bottom > seen.bottom - margin) {
      pane.scrollTop += (box.top + box.bottom) / 2 - (seen.top + seen.bottom) / 2;
    }
  }

  // The side panel folds away to give the graph the screen; the choice holds while the page is open.
  function setPanel(open) {
    document.body.classList.toggle("panel-closed", !open);
    $("panel").textContent = open ? "panel ▸" : "◂ panel";
    $("panel").setAttribute("aria-expanded", String(open));
    refit();
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
    $("play").textContent = timer ? PAUSE : "▶ play";
    $("quiz").hidden = !quiz;
    if (quiz) drawQuiz();
    if (focus !== null && view.shapes[focus].group) keepInSight(view.shapes[focus].group);
    drawDetails();
    drawWhatIf();
  }

  function go(step) {
    view.step = Math.max(0, Math.min(view.total, step));
    if (view.step === view.total) stop();
    if (view.step === 0) $("graphs").scrollTo(0, 0);  // the start: where the forward pass begins
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
    // While stepping, only what is known at this step: no number before its pass has reached it.
    const valueKnown = quiz || view.valueShown(k);
    const gradKnown = quiz ? view.answered.has(k) : view.gradShown(k);
    row(box, "value", valueKnown ? number(r.values[k]) : "not computed yet");
    let grad = "not computed yet (step backward)";
    if (quiz && !gradKnown) grad = "hidden (quiz)";
    else if (gradKnown) grad = number(r.grads[k]);
    row(box, "gradient " + node.head, grad, "grad");
    if (node.op !== null) {
      box.append(el("h3", "", "Local gradients (rule table)"));
      node.local.forEach((item, i) => {
        row(box, item.prefix + " = " + item.rule, valueKnown ? number(r.locals[k][i]) : "not computed yet", "local");
      });
      if (node.note) box.append(el("p", "muted", node.note));
    }
    if (!gradKnown) {
      const stepsTo = view.forwardOrder.length + view.backwardAt.get(k) + 1;
      box.append(el("p", "muted", quiz ? "Answer the quiz to see its chain rule."
        : "Its chain rule and numbers appear at step " + stepsTo + " (press End to see everything)."));
      return;
    }
    box.append(el("h3", "", "Chain rule for its gradient"), el("p", "caption", backwardCaption(g, k, r)));
    const derivation = derivationText(g, k, r);
    if (derivation !== null) {
      const text = el("p", "caption", derivation);
      text.id = "derivation";
      box.append(el("h3", "", "Every path from the output"), text);
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
      if (feedback.invalid) verdict.textContent = feedback.typed + " is not a number: type one such as 0.1385 or −2e−3.";
      else if (feedback.right) verdict.textContent = "Right: " + feedback.head + " = " + number(feedback.value) + ".";
      else verdict.textContent = "Not quite: you typed " + feedback.typed + ". The step you missed:";
      box.append(verdict);
      if (!feedback.right && !feedback.invalid) {
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
      feedback = { right: false, invalid: true, typed: JSON.stringify(typed), head: node.head };
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
    if (view.scale === undefined) zoom(view, fitScale(view), true);
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
  $("fit").addEventListener("click", () => { zoom(view, fitScale(view), true); update(); });
  $("panel").addEventListener("click", () => setPanel(document.body.classList.contains("panel-closed")));
  window.addEventListener("resize", refit);
  window.addEventListener("load", () => { refit(); update(); });
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
    derivation: (k) => derivationText(view.g, k, view.result),
    scale: () => view.scale,
    number: number,
  };
  showGraph(0);
})();
