// chainrule's page, one graph: its picture, numbers and steps (the View class). The numbers come from
// pageCompute (compute.js); nothing here knows a derivative. Data is only ever written with textContent,
// never parsed as markup. The page's script files share one function scope, joined in the order
// autograd/page/__init__.py gives (SCRIPTS): this one first.
const DATA = JSON.parse(document.getElementById("page-data").textContent);
const {
  number, parseNumber, PageError, compute, forwardCaption, backwardCaption, derivationText,
  arrowLocal, arrowsInto, stepCaption, tangents, tangentHead, stepTangent,
} = pageCompute(DATA.digits, DATA.extraDigits);
const PLAY_MS = 900;
const PAUSE = "\u275a\u275a pause";  // ❚❚: DejaVu has it, unlike ⏸ (a box on Debian's fonts)
// The smallest text on screen that "fit" allows: 11 px on a 1024×768 projector, 14 px on a 1920×1080
// one, in between for screens in between (the page is read from the back row).
const LEGIBLE_PX = 11, PROJECTOR_PX = 14;
function legiblePx() {
  const along = (x, low, high) => Math.max(0, Math.min(1, (x - low) / (high - low)));
  return LEGIBLE_PX + (PROJECTOR_PX - LEGIBLE_PX) * Math.min(along(innerWidth, 1024, 1920), along(innerHeight, 768, 1080));
}
const MAX_SCALE = 2;
const TANGENT_KEY = "tan";  // a box's forward-mode slot: its tangent d(node)/d(input)
// The word a node's role is said with: a labelled leaf the roles call constant is a target (t1, y; the
// render's roles colour targets as constants), an unlabelled one a number written in the expression.
function roleWord(node) {
  return node.role === "constant" && node.label ? "target" : node.role;
}

const $ = (id) => document.getElementById(id);
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The steps of a picture: its computed nodes in forward order and the backward order (the slides'), in the
// slide view only the nodes that have a box (`keep`).
function pictureOrders(g, kind) {
  const boxed = kind === "slide" ? new Set(g.slide.boxes) : null;
  const keep = (k) => boxed === null || boxed.has(k);
  return { forward: g.nodes.map((_, k) => k).filter((k) => g.nodes[k].op !== null && keep(k)), backward: g.backward.filter(keep), keep: keep };
}

// --- one graph on the page: its picture, numbers and steps --------------------------------------------
class View {
  // `panes`: the graph's pictures by kind, "full" (every node) and "slide" (neurons fused), one or both.
  constructor(g, panes) {
    this.g = g;
    this.panes = panes;
    this.original = g.nodes.map((node) => node.data);
    this.leaves = this.original.slice();
    this.result = compute(g, this.leaves);
    this.edited = false;
    // Forward mode differentiates by one input (a parameter first: the slides' usual question).
    this.mode = "reverse";
    this.wrt = g.inputs.find((k) => g.nodes[k].role === "parameter") ?? g.inputs[0] ?? null;
    this.t = this.wrt === null ? null : tangents(g, this.result, this.wrt);
    this.mistake = null;  // a wrong backward pass from autograd.lab (see setMistake)
    this.step = 0;
    this.quizzes = new Map();  // answered questions, per mode and input: "reverse", "forward 3"
    this.selected = null;
    this.usePicture(g.pictures[0]);
  }

  // Show one of the graph's pictures. The slide view steps through its boxes only (a fused net input is
  // one step: its gradient is δ = ∂loss/∂net), so the step is carried over as the same set of nodes done.
  usePicture(kind) {
    const g = this.g, done = this.forwardOrder ? this.doneNodes() : null;
    this.picture = kind;
    this.container = this.panes[kind];
    const orders = pictureOrders(g, kind), keep = orders.keep;
    this.forwardOrder = orders.forward;
    this.backwardOrder = orders.backward;  // the slides' order: a weight's gradient right after its δ
    this.forwardAt = new Map(this.forwardOrder.map((k, i) => [k, i]));
    this.backwardAt = new Map(this.backwardOrder.map((k, i) => [k, i]));
    if (done && !this.mistake) {  // up to the last node done: the nodes inside a box are done with it
      const upto = (order, set) => order.reduce((n, k, i) => (set.has(k) ? i + 1 : n), 0);
      const f = upto(this.forwardOrder, done.forward);
      this.step = f < this.forwardOrder.length || this.forward ? f : f + upto(this.backwardOrder, done.backward);
    }
    if (this.selected !== null && !keep(this.selected)) this.selected = null;
    this.measured = false;
    this.room = new Map();  // filled by measure()
    this.findShapes();
  }
  doneNodes() {
    return { forward: new Set(this.forwardOrder.slice(0, this.forwardDone())), backward: new Set(this.backwardOrder.slice(0, this.backwardDone())) };
  }

  // The renderer gives node k the SVG id "node-<k>" and the edge from parent p into operand i of
  // node u "edge-<p>-<u>-<i>" (prefixed "g<graph>-" on the page); numbers follow their "value"/"grad" keys.
  findShapes() {
    this.shapes = this.g.nodes.map(() => ({ group: null, value: null, grad: null }));
    this.edges = this.g.nodes.map((node) => node.parents.map(() => null));
    const n = this.g.nodes.length;
    // The colour key above the pane (HTML, one per graph); forward mode rewrites its key to the slot.
    this.legendLine = document.querySelector('.legend[data-graph="' + this.container.dataset.graph + '"]');
    this.legend = this.legendLine && this.legendLine.querySelector(".slot-key");
    if (this.legend) this.legendText = this.legend.textContent;
    this.slideSlot = this.legendLine && this.legendLine.querySelector(".slide-slot");
    if (this.slideSlot) this.slideSlotText = this.slideSlot.textContent;
    for (const group of this.container.querySelectorAll("g.node")) {
      const m = /-node-(\d+)$/.exec(group.id);
      if (!m || Number(m[1]) >= n) continue;
      const k = Number(m[1]);
      const texts = Array.from(group.querySelectorAll("text"));
      const shape = this.shapes[k];
      shape.group = group;
      shape.texts = texts;  // in the order they are drawn, which is the order the node's name reads them
      shape.mark = group.querySelector("polyline") ? texts[0] : null;  // an operation's mark, left of its bar
      shape.value = group.querySelector("text.value");  // the slide view's boxes: no key words
      shape.grad = group.querySelector("text.grad");
      if (shape.grad) shape.grad.classList.add("slot");
      texts.forEach((t, i) => {
        if (t.textContent === "value") {
          shape.valueKey = t;
          shape.value = texts[i + 1];
        }
        if (t.textContent === "grad") {
          shape.gradKey = t;
          shape.grad = texts[i + 1];
          shape.grad.classList.add("slot");
        }
      });
      group.setAttribute("tabindex", "0");
      group.setAttribute("role", "button");
      group.dataset.node = String(k);
    }
    for (const group of this.container.querySelectorAll("g.edge")) {
      const m = /-edge-(\d+)-(\d+)-(\d+)$/.exec(group.id);
      const text = group.querySelector("text");
      if (!m || !text) continue;
      const parent = Number(m[1]), user = Number(m[2]), i = Number(m[3]);
      if (user < n && this.g.nodes[user].parents[i] === parent) this.edges[user][i] = text;
    }
    // The slide view's arrows: box to box, through the nodes fused in the head's box.
    const arrows = new Map((this.picture === "slide" ? this.g.slide.arrows : []).map((a) => [a.tail + "-" + a.head, a]));
    this.arrows = [];
    for (const group of this.container.querySelectorAll("g.edge")) {
      const m = /-arrow-(\d+-\d+)$/.exec(group.id);
      const text = group.querySelector("text");
      if (m && text && arrows.has(m[1])) this.arrows.push({ ...arrows.get(m[1]), text: text });
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
      if (shape.group && !shape.gradKey && (shape.value || shape.grad)) {
        this.measureBox(shape);
        continue;
      }
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
    for (const text of [...this.edges.flat(), ...this.arrows.map((a) => a.text)]) {
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

  // A slide-view box: each number keeps the centre Graphviz gave it, its room reaching to the next text
  // on its line, the operation's bar or the box's edge.
  measureBox(shape) {
    const box = shape.group.querySelector("path, polygon").getBBox();
    const bar = shape.group.querySelector("polyline");
    const edge = bar && bar.getBBox().x < box.x + box.width / 2 ? bar.getBBox().x : box.x;
    const texts = Array.from(shape.group.querySelectorAll("text"), (t) => ({ text: t, box: t.getBBox() }));
    for (const text of [shape.value, shape.grad].filter(Boolean)) {
      const b = text.getBBox(), middle = b.x + b.width / 2;
      let left = edge + 4, right = box.x + box.width - 4;
      for (const other of texts) {
        if (other.text === text || Math.abs(other.box.y - b.y) > b.height / 2) continue;  // not on its line
        if (other.box.x + other.box.width <= middle) left = Math.max(left, other.box.x + other.box.width + 6);
        else if (other.box.x >= middle) right = Math.min(right, other.box.x - 6);
      }
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("x", String(middle));
      this.room.set(text, { left: left, right: right, middle: middle });
      this.fit(text);
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
      const text = this.stepCaption(k, false).split("\n")[0] + "\ntangent: " + this.tangentCaption(k);
      if (k !== g.root) return text;
      return text + "\nOne sweep, one input. Reverse mode gives " + g.nodes[w].head + " = " + number(this.result.grads[w]) +
        " and the gradient of every other input in one backward sweep.";
    }
    if (k === null) {
      return "Step through the forward pass (each value from its inputs), then the backward pass " +
        "(each gradient from the gradients of its users, by the chain rule). Click any node for what is known of it.";
    }
    return this.stepCaption(k, this.step > this.forwardOrder.length);
  }
  tangentCaption(k) { return stepTangent(this.g, k, this.result, this.t, this.picture); }
  // Node k's forward or backward step as this picture writes it (a slide view's box over its arrows).
  stepCaption(k, backward) {
    return stepCaption(this.g, k, this.result, this.picture, backward);
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
    const by = this.forward ? "d(node)/d" + this.g.nodes[this.wrt].wrapped : null;
    const text = by ? TANGENT_KEY + " = " + by : this.legendText;
    if (this.legend.textContent !== text) this.legend.textContent = text;
    const slot = by ? "tangent " + by : this.slideSlotText;  // the slide view's entry for the box's last number
    if (this.slideSlot && this.slideSlot.textContent !== slot) this.slideSlot.textContent = slot;
  }

  // The number in a box's "grad" slot: its gradient (reverse mode) or its tangent (forward mode), if known.
  slotText(k, quiz) {
    // In a forward-mode quiz a node the input does not reach shows its 0: only real tangents are asked.
    const known = this.forward ? this.g.nodes[k].op === null || (quiz ? this.answered().has(k) || !this.t.reaches[k] : this.valueShown(k))
      : (quiz ? this.answered().has(k) : this.gradShown(k));
    if (known) return number(this.forward ? this.t.dots[k] : this.result.grads[k]);
    return quiz ? "?" : "";
  }

  // A node's accessible name: what its box shows, in the order it shows it, each number with what it
  // is ("i1, value 0.5, grad (∂f/∂i1) −2"). What a screen reader needs and the box does not write (the
  // operation's name, the gradient's name, a number not computed yet) is added in parentheses, which
  // WCAG's "label in name" (2.5.3) leaves out when it compares the name with the visible text: a voice
  // user says what they see, a screen-reader user hears the rest.
  accessibleName(k) {
    const shape = this.shapes[k], node = this.g.nodes[k], parts = [];
    const slotName = this.mistake ? "wrong pass so far" : this.forward ? tangentHead(this.g, k, this.wrt) : node.head;
    const number = (text, what) => {  // `what`: the number's name where its box writes no key
      if (text === "") return "(" + (what ? what + " " : "") + "not computed yet)";
      return text === "?" ? "? (" + (what ? what + " " : "") + "hidden: quiz)" : text;
    };
    if (node.role !== "intermediate") parts.push("(" + roleWord(node) + ")");
    for (const t of shape.texts) {
      const text = t.textContent;
      if (t === shape.mark) parts.push(text + " (" + node.op + "),");
      else if (t === shape.valueKey) parts.push(", value");
      else if (t === shape.gradKey) parts.push(", " + text + " (" + slotName + ")");
      else if (t === shape.value) parts.push(shape.valueKey ? number(text) : ", (value) " + number(text, ""));
      else if (t === shape.grad) {
        const what = (this.mistake ? "" : this.forward ? "tangent " : "gradient ") + slotName;
        parts.push(shape.gradKey ? number(text) : text === "" || text === "?" ? ", " + number(text, what) : ", (" + what + ") " + text);
      } else parts.push(text);
    }
    return parts.join(" ").replace(/ ,/g, ",").replace(/,,/g, ",").replace(/^, /, "");
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
      const name = this.accessibleName(k);
      if (shape.group.getAttribute("aria-label") !== name) shape.group.setAttribute("aria-label", name);
      if (k === focus) shape.group.setAttribute("aria-current", "step");
      else shape.group.removeAttribute("aria-current");
    });
    if (this.legend) this.drawLegend();
    this.edges.forEach((texts, user) => texts.forEach((text, i) => {
      if (text) this.setNumber(text, quiz || this.valueShown(user) ? number(r.locals[user][i]) : "");
    }));
    for (const a of this.arrows) this.setNumber(a.text, quiz || this.valueShown(a.head) ? number(arrowLocal(this.g, this.result, a)) : "");
  }
}
