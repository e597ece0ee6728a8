// chainrule's page, the interface: step through a graph's forward and backward passes, explore nodes,
// change numbers, quiz yourself. The numbers come from pageCompute (page_compute.js); this file knows no
// derivative. Data is only ever written with textContent, never parsed as markup.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("page-data").textContent);
  const {
    number, parseNumber, PageError, compute, forwardCaption, backwardCaption, derivationText,
    tangents, tangentHead, tangentCaption,
  } = pageCompute(DATA.digits);
  const PLAY_MS = 900;
  const PAUSE = "\u275a\u275a pause";  // ❚❚: DejaVu has it, unlike ⏸ (a box on Debian's fonts)
  const LEGIBLE_PX = 11;  // the smallest text on screen that "fit" allows (a projector at the back row)
  const MAX_SCALE = 2;
  const TANGENT_KEY = "tan";  // a box's forward-mode slot: its tangent d(node)/d(input)

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
      // Forward mode differentiates by one input (a parameter first: the slides' usual question).
      this.mode = "reverse";
      this.wrt = g.inputs.find((k) => g.nodes[k].role === "parameter") ?? g.inputs[0] ?? null;
      this.t = this.wrt === null ? null : tangents(g, this.result, this.wrt);
      this.forwardOrder = g.nodes.map((_, k) => k).filter((k) => g.nodes[k].op !== null);
      this.backwardOrder = g.backward;  // the slides' order: a weight's gradient right after its δ
      this.forwardAt = new Map(this.forwardOrder.map((k, i) => [k, i]));
      this.backwardAt = new Map(this.backwardOrder.map((k, i) => [k, i]));
      this.mistake = null;  // a wrong backward pass from autograd.mistakes (see setMistake)
      this.step = 0;
      this.quizzes = new Map();  // answered questions, per mode and input: "reverse", "forward 3"
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
      // The legend's key to the slot, which forward mode rewrites (squeezed into the same width).
      this.legend = Array.from(this.container.querySelectorAll("text")).find((t) => t.textContent.startsWith("grad = ")) || null;
      if (this.legend) this.legendText = this.legend.textContent;
      for (const group of this.container.querySelectorAll("g.node")) {
        const m = /-node-(\d+)$/.exec(group.id);
        if (!m || Number(m[1]) >= n) continue;
        const k = Number(m[1]);
        const texts = Array.from(group.querySelectorAll("text"));
        const shape = this.shapes[k];
        shape.group = group;
        texts.forEach((t, i) => {
          if (t.textContent === "value") shape.value = texts[i + 1];
          if (t.textContent === "grad") {
            shape.gradKey = t;
            shape.grad = texts[i + 1];
            shape.grad.classList.add("slot");
          }
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
          const key = text.previousElementSibling;
          let keyRight = key.getBBox().x + key.getBBox().width;
          if (key === shape.gradKey) {  // room for the forward-mode key too
            const was = key.textContent;
            key.textContent = TANGENT_KEY;
            keyRight = Math.max(keyRight, key.getBBox().x + key.getBBox().width);
            key.textContent = was;
          }
          text.setAttribute("text-anchor", "end");
          text.setAttribute("x", String(right));
          this.room.set(text, { left: keyRight + 3, right: right });
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

    get forward() { return this.mode === "forward"; }
    // The mistake view steps through a wrong backward pass exported by Python (autograd.mistakes.compare):
    // its writes in its own order, on the numbers the page was written with. No wrong algorithm lives here.
    setMistake(key) {
      const m = key ? this.g.mistakes.find((item) => item.key === key && item.steps) : null;
      if (key && !m) throw new PageError("this page cannot step through the mistake " + JSON.stringify(key) + ".");
      this.mistake = m;
      if (!m) return;
      this.mode = "reverse";
      this.step = 0;
      if (m.firstWrite) return;
      m.firstWrite = new Map();
      m.lastWrite = new Map();
      m.steps.forEach(([k], i) => {
        if (!m.firstWrite.has(k)) m.firstWrite.set(k, i + 1);
        m.lastWrite.set(k, i + 1);
      });
    }
    // Node k's gradient in the wrong pass after this step (null: not written yet).
    wrongSoFar() {
      const so = new Array(this.g.nodes.length).fill(null);
      for (let i = 0; i < this.step; i++) so[this.mistake.steps[i][0]] = this.mistake.steps[i][1];
      return so;
    }
    // The wrong pass's final number differs from the right one (the tolerance of autograd.mistakes.compare).
    endsWrong(k) {
      const a = this.mistake.right[k], b = this.mistake.wrong[k];
      return Math.abs(a - b) > Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 1e-12);
    }
    // Done: the wrong pass writes node k no more after this step.
    doneWith(k) { return this.mistake.lastWrite.has(k) && this.mistake.lastWrite.get(k) <= this.step; }
    mistakeCaption() {
      const m = this.mistake, g = this.g;
      if (this.step === 0) {
        return "Mistake: " + m.title + ". The wrong code " + m.does + ".\nStep through its writes, in its own order: " +
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
    }
    mistakeVerdict() {
      const m = this.mistake;
      if (m.same) return "On this graph the mistake does no harm: " + m.harmless + ". Every gradient comes out right.";
      const n = this.g.nodes.filter((_, k) => this.endsWrong(k)).length;
      return n + (n === 1 ? " node ends" : " nodes end") + " with a wrong gradient; the first the wrong pass reaches is " +
        this.g.nodes[m.first].name + " (write " + m.firstWrite.get(m.first) + ").";
    }
    // Reverse mode steps through the forward pass, then the backward pass; forward mode computes each
    // value and its tangent together, in one sweep (the literature's primal and tangent trace side by side).
    get total() {
      if (this.mistake) return this.mistake.steps.length;
      return this.forwardOrder.length + (this.forward ? 0 : this.backwardOrder.length);
    }
    answered() {
      const key = this.forward ? "forward " + this.wrt : "reverse";
      if (!this.quizzes.has(key)) this.quizzes.set(key, new Set());
      return this.quizzes.get(key);
    }
    setMode(mode, wrt) {
      this.mode = mode;
      if (wrt !== undefined && wrt !== this.wrt) {
        this.t = tangents(this.g, this.result, wrt);  // throws before anything changes
        this.wrt = wrt;
      }
      this.step = Math.min(this.step, this.total);
    }
    // The multiply-adds the sweep of the current mode has done by this step (a variable operand costs one,
    // a constant's none): the same count as autograd.trace(root).counts(), step by step.
    variable(k) { return this.g.nodes[k].op !== null || this.g.inputs.includes(k); }
    multiplyAdds() {
      const g = this.g, count = (k) => g.nodes[k].parents.filter((p) => this.variable(p)).length;
      const done = this.forwardOrder.slice(0, this.forwardDone());
      if (this.forward) return done.reduce((sum, k) => sum + count(k), 0);
      return this.backwardOrder.slice(0, this.backwardDone())
        .reduce((sum, k) => sum + (this.variable(k) ? g.nodes[k].uses.length : 0), 0);
    }
    forwardDone() { return Math.min(this.step, this.forwardOrder.length); }
    backwardDone() { return Math.max(0, this.step - this.forwardOrder.length); }
    valueShown(k) {
      return this.mistake !== null || this.g.nodes[k].op === null || this.forwardAt.get(k) < this.forwardDone();
    }
    gradShown(k) { return this.backwardAt.get(k) < this.backwardDone(); }
    current() {
      if (this.step === 0) return null;
      if (this.mistake) return this.mistake.steps[this.step - 1][0];
      const f = this.forwardOrder.length;
      return this.step <= f ? this.forwardOrder[this.step - 1] : this.backwardOrder[this.step - f - 1];
    }
    caption() {
      const k = this.current();
      if (this.mistake) return this.mistakeCaption();
      if (k === null && this.forward) {
        return "Forward mode: each step computes a value and its tangent, d(node)/d" + this.g.nodes[this.wrt].wrapped +
          ", from its inputs' tangents (the seed: 1 at " + this.g.nodes[this.wrt].name + ", 0 at every other leaf). " +
          "One sweep gives the output's derivative by this one input.";
      }
      if (this.forward) {
        const g = this.g, w = this.wrt;
        const text = forwardCaption(g, k, this.result).split("\n")[0] + "\ntangent: " + tangentCaption(g, k, this.result, this.t);
        if (k !== g.root) return text;
        return text + "\nOne sweep, one input. Reverse mode gives " + g.nodes[w].head + " = " + number(this.result.grads[w]) +
          " and the gradient of every other input in one backward sweep.";
      }
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
      const result = compute(this.g, leaves);  // throws before anything changes
      this.t = this.wrt === null ? null : tangents(this.g, result, this.wrt);
      this.result = result;
      this.leaves = leaves;
      this.edited = this.leaves.some((v, i) => v !== this.original[i]);
    }
    restore() {
      this.leaves = this.original.slice();
      this.result = compute(this.g, this.leaves);
      this.t = this.wrt === null ? null : tangents(this.g, this.result, this.wrt);
      this.edited = false;
    }

    drawLegend() {
      const text = this.forward ? TANGENT_KEY + " = d(node)/d" + this.g.nodes[this.wrt].wrapped : this.legendText;
      if (this.legend.textContent === text) return;
      if (this.legendWidth === undefined) this.legendWidth = this.legend.getComputedTextLength();
      this.legend.textContent = text;
      this.legend.removeAttribute("textLength");
      if (this.legend.getComputedTextLength() > this.legendWidth) {
        this.legend.setAttribute("textLength", String(this.legendWidth));
        this.legend.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    }

    // The number in a box's "grad" slot: its gradient (reverse mode) or its tangent (forward mode), if known.
    slotText(k, quiz) {
      // In a forward-mode quiz a node the input does not reach shows its 0: only real tangents are asked.
      const known = this.forward ? this.g.nodes[k].op === null || (quiz ? this.answered().has(k) || !this.t.reaches[k] : this.valueShown(k))
        : (quiz ? this.answered().has(k) : this.gradShown(k));
      if (known) return number(this.forward ? this.t.dots[k] : this.result.grads[k]);
      return quiz ? "?" : "";
    }

    // `focus`: the node of the current step, or the quiz's question.
    draw(quiz, focus) {
      const r = this.result, m = this.mistake, so = m ? this.wrongSoFar() : null;
      this.shapes.forEach((shape, k) => {
        if (!shape.group) return;
        const showValue = quiz || this.valueShown(k);
        if (shape.value) this.setNumber(shape.value, showValue ? number(r.values[k]) : "");
        const slot = m ? (so[k] === null ? "" : number(so[k])) : this.slotText(k, quiz);
        if (shape.grad) this.setNumber(shape.grad, slot);
        shape.group.classList.toggle("mistake-wrong", Boolean(m) && this.doneWith(k) && this.endsWrong(k));
        shape.group.classList.toggle("mistake-first", Boolean(m) && k === m.first && m.firstWrite.get(k) <= this.step);
        if (shape.gradKey) shape.gradKey.textContent = this.forward ? TANGENT_KEY : "grad";
        shape.group.classList.toggle("current", k === focus);
        shape.group.classList.toggle("selected", k === this.selected);
        shape.group.classList.toggle("pending", !quiz && !showValue);
      });
      if (this.legend) this.drawLegend();
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
    if (view.mistake) where = "wrong pass: " + view.mistake.title;
    else if (view.step > 0) where = view.forward ? "tangents by " + view.g.nodes[view.wrt].name : view.step <= f ? "forward pass" : "backward pass";
    $("counter").textContent = quiz ? (view.forward ? "quiz: values computed, tangents hidden" : "quiz: values computed, gradients hidden")
      : "step " + view.step + " of " + view.total + " · " + where;
    document.body.classList.toggle("mode-forward", view.forward);
    $("mode").value = view.mode;
    $("mode").disabled = $("quiz-mode").disabled = view.mistake !== null;  // the mistake view is reverse mode, no quiz
    $("mistake").value = view.mistake ? view.mistake.key : "";
    $("wrt-picker").hidden = !view.forward;
    if (view.wrt !== null) $("wrt").value = String(view.wrt);
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
    drawCost();
    drawMistake();
    drawGiven();
    writeState();
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
      box.append(el("h2", "", "Click a node"), el("p", "muted", view.forward
        ? "Its value, its tangent, the local gradients to its inputs and the forward step that gives its tangent."
        : "Its value, its gradient, the local gradients to its inputs and the chain rule that gives its gradient."));
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
    box.append(el("h3", "", "Chain rule for its gradient"), el("p", "caption", backwardCaption(g, k, r)));
    const derivation = derivationText(g, k, r);
    if (derivation !== null) {
      const text = el("p", "caption", derivation);
      text.id = "derivation";
      box.append(el("h3", "", "Every path from the output"), text);
    }
  }

  function drawLocals(box, k, valueKnown) {
    const node = view.g.nodes[k];
    if (node.op === null) return;
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
    box.append(el("h3", "", "Forward mode: its tangent"), el("p", "caption", tangentCaption(g, k, view.result, view.t)));
  }

  // --- the mistake view: a wrong backward pass beside the right numbers -----------------------------------
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
    if (m === null) return;
    box.replaceChildren(el("h2", "", "Mistake: " + m.title), el("p", "", "The wrong code " + m.does + "."));
    const code = el("pre", "code", m.code);
    code.id = "mistake-code";
    box.append(code);
    const verdict = el("p", m.same ? "verdict right" : "verdict wrong", (m.same ? "" : "At the end: ") + view.mistakeVerdict());
    verdict.id = "mistake-verdict";
    box.append(verdict, el("p", "muted", "This view shows the numbers the page was written with (computed by " +
      "autograd.mistakes); what-if edits and the quiz are off while a mistake is chosen."));
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
      box.append(el("p", "", "Every " + (view.forward ? "tangent" : "gradient") +
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
    const head = questionHead(k);
    if (x === null) {
      feedback = { right: false, invalid: true, typed: JSON.stringify(typed), head: head };
      update();
      return;
    }
    const truth = view.forward ? view.t.dots[k] : view.result.grads[k];
    const right = Math.abs(x - truth) <= Math.max(1e-4, 0.01 * Math.abs(truth));
    const caption = view.forward ? tangentCaption(view.g, k, view.result, view.t) : backwardCaption(view.g, k, view.result);
    feedback = { right: right, typed: number(x, 6), value: truth, head: head, caption: caption };
    if (right) {
      view.answered().add(k);
      if (view.selected === k) view.selected = null;
    }
    update();
    const next = $("answer");
    if (next) next.focus();
  }

  // --- the page's state in the URL fragment, so that a link opens the page just there -------------------
  // #output=2&mode=forward&wrt=w5&step=7&quiz=1&set.w5=0.9: only what differs from the page as written.
  // A fragment is data from whoever made the link: it is checked whole before any of it is used, and one
  // that is too long, unknown, of the wrong kind or impossible is ignored with a note (shown as text).
  const MAX_STATE = 2000, MAX_SETTINGS = 100;
  class StateError extends Error {}

  // A leaf is named in a link by its label; a label that several leaves share, by label@2, label@3, ….
  function leafKeys(v) {
    const keys = new Map(), seen = new Map();
    for (const k of v.g.inputs) {
      const label = v.g.nodes[k].label, n = (seen.get(label) || 0) + 1;
      seen.set(label, n);
      keys.set(n === 1 ? label : label + "@" + n, k);
    }
    return keys;
  }
  function keyOf(v, k) {
    for (const [key, j] of leafKeys(v)) if (j === k) return key;
    return null;
  }

  function stateText() {
    const p = new URLSearchParams(), i = views.indexOf(view);
    if (i > 0) p.set("output", String(i + 1));
    if (view.mistake) p.set("mistake", view.mistake.key);
    if (view.forward) {
      p.set("mode", "forward");
      p.set("wrt", keyOf(view, view.wrt));
    }
    if (view.step > 0) p.set("step", String(view.step));
    if (quiz) p.set("quiz", "1");
    for (const k of view.g.inputs) {
      if (view.leaves[k] !== view.original[k]) p.set("set." + keyOf(view, k), String(view.leaves[k]));
    }
    return p.toString();
  }
  function writeState() {
    const text = stateText();
    if (location.hash.replace(/^#/, "") === text) return;
    try {
      history.replaceState(null, "", text ? "#" + text : location.href.split("#")[0]);
    } catch (error) {
      // A sandboxed notebook frame has no URL of its own to keep the state in; the page works the same.
    }
  }

  function shown(text) { return JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text); }
  function whole(text, low, high, what) {
    const x = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
    if (!(x >= low && x <= high)) throw new StateError(what + " must be a whole number from " + low + " to " + high + ", not " + shown(text));
    return x;
  }
  // The fragment as a plan: which output, its leaves' values, mode, input, step and quiz, all checked.
  function parseState(text) {
    if (text.length > MAX_STATE) throw new StateError("it is longer than " + MAX_STATE + " characters.");
    const entries = Array.from(new URLSearchParams(text));
    if (entries.length > MAX_SETTINGS) throw new StateError("it has more than " + MAX_SETTINGS + " settings.");
    const got = new Map();
    for (const [key, value] of entries) {
      if (got.has(key)) throw new StateError("it gives " + shown(key) + " twice.");
      if (!["output", "mistake", "mode", "wrt", "step", "quiz"].includes(key) && !key.startsWith("set.")) {
        throw new StateError("it has an unknown setting " + shown(key) + ".");
      }
      got.set(key, value);
    }
    const output = got.has("output") ? whole(got.get("output"), 1, views.length, "output") - 1 : 0;
    const v = views[output], keys = leafKeys(v);
    const mode = got.has("mode") ? got.get("mode") : "reverse";
    if (mode !== "forward" && mode !== "reverse") throw new StateError("mode must be forward or reverse, not " + shown(mode) + ".");
    if (got.has("wrt") && mode !== "forward") throw new StateError("wrt goes with mode=forward.");
    let wrt = v.wrt;
    if (got.has("wrt")) {
      if (!keys.has(got.get("wrt"))) throw new StateError("this graph has no input " + shown(got.get("wrt")) + ".");
      wrt = keys.get(got.get("wrt"));
    }
    if (mode === "forward" && wrt === null) throw new StateError("this graph has no input to differentiate by.");
    const leaves = v.original.slice();
    for (const [key, value] of got) {
      if (!key.startsWith("set.")) continue;
      const leaf = key.slice(4);
      if (!keys.has(leaf)) throw new StateError("this graph has no input " + shown(leaf) + " to set.");
      const x = value.length <= 40 ? parseNumber(value) : null;
      if (x === null) throw new StateError(shown(leaf) + " must be set to a finite number, not " + shown(value) + ".");
      leaves[keys.get(leaf)] = x;
    }
    let result, t;
    try {
      result = compute(v.g, leaves);
      t = wrt === null ? null : tangents(v.g, result, wrt);
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      throw new StateError("its numbers cannot be used: " + error.message);
    }
    let mistake = null;
    if (got.has("mistake")) {
      mistake = v.g.mistakes.find((m) => m.key === got.get("mistake") && m.steps) || null;
      if (!mistake) throw new StateError("this page has no mistake view " + shown(got.get("mistake")) + ".");
      if (mode !== "reverse" || got.has("quiz") || Array.from(got.keys()).some((key) => key.startsWith("set."))) {
        throw new StateError("mistake goes with neither mode=forward, quiz nor set.");
      }
    }
    const total = mistake ? mistake.steps.length : v.forwardOrder.length + (mode === "forward" ? 0 : v.backwardOrder.length);
    const step = got.has("step") ? whole(got.get("step"), 0, total, "step") : 0;
    const quizOn = got.has("quiz") ? whole(got.get("quiz"), 0, 1, "quiz") === 1 : false;
    return { output, leaves, result, t, mode, wrt, step, quiz: quizOn, mistake: mistake && mistake.key };
  }
  function readState(hash) {
    const text = hash.replace(/^#/, "");
    if (text === "") return;
    let plan;
    try {
      plan = parseState(text);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      showNote("This link's page state was not used: " + error.message);
      update();  // the URL shows the state the page is really in
      return;
    }
    showNote(null);
    if (views[plan.output] !== view) showGraph(plan.output);
    stop();
    view.setMistake(plan.mistake);
    Object.assign(view, { leaves: plan.leaves, result: plan.result, t: plan.t, mode: plan.mode, wrt: plan.wrt, step: plan.step });
    view.edited = view.leaves.some((x, k) => x !== view.original[k]);
    quiz = plan.quiz;
    $("quiz-mode").checked = quiz;
    feedback = null;
    $("whatif").dataset.graph = "";  // redraw the fields with the link's numbers
    update();
  }
  function showNote(message) {
    $("note").textContent = message || "";
    $("note").hidden = !message;
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
    $("case").selectedIndex = i;
    $("wrt").replaceChildren(...view.g.inputs.map((k) => {
      const option = el("option", "", view.g.nodes[k].name);
      option.value = String(k);
      return option;
    }));
    $("mode").querySelector("option[value=forward]").disabled = view.wrt === null;
    $("mistake").replaceChildren(el("option", "", "none"), ...view.g.mistakes.map((m) => {
      const option = el("option", "", m.title);
      option.value = m.key;
      option.disabled = !m.steps;
      option.title = m.skipped || m.does;
      return option;
    }));
    $("mistake").options[0].value = "";
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
  function setMode(mode, wrt) {
    stop();
    try {
      view.setMode(mode, wrt);
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      showError(error.message);
    }
    feedback = null;
    update();
  }
  $("mode").addEventListener("change", (event) => setMode(event.target.value));
  $("wrt").addEventListener("change", (event) => setMode("forward", Number(event.target.value)));
  $("mistake").addEventListener("change", (event) => setMistake(event.target.value));
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

  const picker = $("case");
  views.forEach((v) => picker.append(el("option", "", v.g.nodes[v.g.root].name)));
  picker.addEventListener("change", () => showGraph(picker.selectedIndex));
  $("case-picker").hidden = views.length < 2;
  // For tests and curious learners: the numbers on screen, as numbers.
  window.chainrule = {
    values: () => view.result.values.slice(),
    grads: () => view.result.grads.slice(),
    tangents: () => view.t.dots.slice(),
    mistake: () => view.mistake && { key: view.mistake.key, step: view.step, total: view.total, wrong: view.wrongSoFar(),
      current: view.current(), first: view.mistake.first, firstShown: view.mistake.first !== null && view.mistake.firstWrite.get(view.mistake.first) <= view.step },
    mode: () => ({ mode: view.mode, wrt: view.wrt === null ? null : view.g.nodes[view.wrt].name, step: view.step, quiz: quiz,
      output: views.indexOf(view), leaves: view.leaves.slice() }),
    names: () => view.g.nodes.map((node) => node.name),
    caption: (k, backward) => (backward ? backwardCaption : forwardCaption)(view.g, k, view.result),
    derivation: (k) => derivationText(view.g, k, view.result),
    scale: () => view.scale,
    number: number,
  };
  const linked = location.hash;  // read before the first update writes the page's own state
  showGraph(0);
  readState(linked);
  window.addEventListener("hashchange", () => readState(location.hash));
})();
