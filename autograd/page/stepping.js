// chainrule's page: the views, zoom and panning, the page's redraw (update) and the step controls.
// --- the page ------------------------------------------------------------------------------------------
const containers = Array.from(document.querySelectorAll("#graphs > .graph-pane"));
const views = DATA.graphs.map((g, i) => new View(g, Object.fromEntries(
  containers.filter((c) => c.dataset.graph === String(i)).map((c) => [c.dataset.picture, c]))));
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
// The scale at which the graph's smallest text is legiblePx() on screen (scale 1: the natural size).
function legibleScale(v) {
  const svg = svgOf(v), units = svg.viewBox.baseVal.width || naturalSize(v).width;
  const sizes = Array.from(svg.querySelectorAll("text[font-size]"), (t) => parseFloat(t.getAttribute("font-size")));
  const positive = sizes.filter((x) => x > 0), smallest = positive.length ? Math.min(...positive) : 14;
  return legiblePx() / (smallest * naturalSize(v).width / units);
}
// The scale that shows the whole graph in the pane (both axes), and whether its text is legible there.
function wholeScale(v) {
  const pane = $("graphs"), size = naturalSize(v);
  return Math.min((pane.clientWidth - 4) / size.width, (pane.clientHeight - 4) / size.height, MAX_SCALE);
}
function fitsWhole(v) { return wholeScale(v) >= legibleScale(v); }
// "fit": the whole graph in the pane, but never smaller than legible (then the pane follows the step).
function fitScale(v) { return Math.max(wholeScale(v), legibleScale(v)); }

// The first view of a graph: the full picture if it fits the pane whole with legible text, else the
// slide view (neurons fused). A graph that fits in neither opens on its smaller picture at legible size,
// its output in view. At the start (`layout`), a window narrower than PANEL_BESIDE_PX that cannot show the
// graph whole beside the side panel folds the panel away: on a 1024×768 projector the graph comes first,
// whole and legible; "panel ▸" (or clicking a node, or the quiz) brings the panel back.
const PANEL_BESIDE_PX = 1100;
let panelFoldedAtStart = false;
function choosePicture(v, layout) {
  const kinds = v.g.pictures;
  const pick = () => kinds.find((k) => { v.usePicture(k); return fitsWhole(v); });
  let kind = pick();
  if (layout && kind === undefined && innerWidth < PANEL_BESIDE_PX && !document.body.classList.contains("panel-closed")) {
    setPanel(false, true);
    panelFoldedAtStart = true;
    kind = pick();
  }
  v.usePicture(kind ?? kinds[kinds.length - 1]);
  v.autoPicture = v.picture;
}
// The side panel back when it was folded by the start rather than by the learner, or when `needed` (the
// quiz's answers are typed there).
function wantPanel(needed) {
  if (!document.body.classList.contains("panel-closed") || !(needed || panelFoldedAtStart)) return;
  panelFoldedAtStart = false;
  setPanel(true);
}
// The output's box in sight: the start of every graph (the forward pass starts at the leaves, but a
// teacher's first question is about the output).
function showOutput(v) {
  const pane = $("graphs"), root = v.shapes[v.g.root].group;
  pane.scrollTo(0, 0);
  if (root) showNodes([root], root);
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
  if (focus !== null && view.shapes[focus].group) followStep(focus);
  else if (focus === null) showOutput(view);
}

// The pane follows the step's node; beside the matrix form (whose equations end at the loss) the loss
// too, where both fit.
function followStep(focus) {
  const group = view.shapes[focus].group, root = view.shapes[view.g.root].group;
  if (matrixShown() && !quiz) showNodes([group, root], group);
  else keepInSight(group);
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

// Bring nodes into the pane together where they fit in it; nothing moves while they are all in sight.
// Of the scroll positions that keep them in, the one that shows the most of the other nodes too, those in
// its middle, so that a node at the picture's edge does not leave the pane mostly empty. Where they do not
// fit: `first` in the middle (keepInSight), or with `most`, `first` and as many of them as a window holds.
function showNodes(groups, first, most) {
  const pane = $("graphs"), seen = pane.getBoundingClientRect(), margin = 24;
  const left = seen.left + pane.clientLeft, top = seen.top + pane.clientTop;
  const w = pane.clientWidth, h = pane.clientHeight;
  // Boxes in the pane's content coordinates (as scrollLeft/scrollTop count).
  const box = (g) => {
    const b = g.getBoundingClientRect();
    return { x0: b.left - left + pane.scrollLeft, x1: b.right - left + pane.scrollLeft, y0: b.top - top + pane.scrollTop, y1: b.bottom - top + pane.scrollTop };
  };
  const span = (boxes) => ({ x0: Math.min(...boxes.map((b) => b.x0)), x1: Math.max(...boxes.map((b) => b.x1)),
    y0: Math.min(...boxes.map((b) => b.y0)), y1: Math.max(...boxes.map((b) => b.y1)) });
  const want = groups.filter(Boolean).map(box);
  if (want.length === 0) return;
  let keep = span(want);
  const sx = pane.scrollLeft, sy = pane.scrollTop;
  if (keep.x0 >= sx + margin && keep.x1 <= sx + w - margin && keep.y0 >= sy + margin && keep.y1 <= sy + h - margin) return;
  if (keep.x1 - keep.x0 > w - 2 * margin || keep.y1 - keep.y0 > h - 2 * margin) {
    if (!first) return;
    if (!most) return keepInSight(first);
    keep = box(first);
  }
  const range = (low, high, most) => {  // the scroll positions between low and high, kept within the pane's own
    const a = Math.max(0, Math.min(low, most)), b = Math.max(0, Math.min(high, most));
    return Array.from({ length: 13 }, (_, i) => a + ((b - a) * i) / 12);
  };
  const xs = range(keep.x1 + margin - w, keep.x0 - margin, pane.scrollWidth - w);
  const ys = range(keep.y1 + margin - h, keep.y0 - margin, pane.scrollHeight - h);
  const others = view.shapes.filter((s) => s.group).map((s) => box(s.group));
  let best = null;
  for (const x of xs) {
    for (const y of ys) {
      const inside = (b) => b.x0 >= x && b.x1 <= x + w && b.y0 >= y && b.y1 <= y + h;
      const wanted = want.filter(inside).length, seenHere = others.filter(inside);
      // Of as many nodes, the window they sit in the middle of (not pushed to one corner).
      const cx = seenHere.reduce((t, b) => t + b.x0 + b.x1, 0) / (2 * seenHere.length || 1);
      const cy = seenHere.reduce((t, b) => t + b.y0 + b.y1, 0) / (2 * seenHere.length || 1);
      const off = Math.abs(cx - x - w / 2) + Math.abs(cy - y - h / 2);
      const better = best === null || wanted > best.wanted || (wanted === best.wanted &&
        (seenHere.length > best.count || (seenHere.length === best.count && off < best.off - 1)));
      if (better) best = { x: x, y: y, wanted: wanted, count: seenHere.length, off: off };
    }
  }
  pane.scrollLeft = best.x;
  pane.scrollTop = best.y;
}

// The side panel folds away to give the graph the screen; the choice holds while the page is open.
function setPanel(open, quiet) {
  document.body.classList.toggle("panel-closed", !open);
  $("panel").textContent = open ? "panel ▸" : "◂ panel";
  $("panel").setAttribute("aria-expanded", String(open));
  if (!quiet) refit();
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
  $("picture").disabled = view.mistake !== null;  // and on the full graph, when there is one (see setMistake)
  $("mistake").value = view.mistake ? view.mistake.key : "";
  $("wrt-picker").hidden = !view.forward;
  if (view.wrt !== null) $("wrt").value = String(view.wrt);
  // A live region: its text is set only when it changes, so that a screen reader says each step once.
  const caption = quiz ? quizPrompt() : view.caption();
  if ($("caption").textContent !== caption) $("caption").textContent = caption;
  $("reset").disabled = $("back").disabled = quiz || view.step === 0;
  $("forward").disabled = $("end").disabled = quiz || view.step === view.total;
  $("play").disabled = quiz;
  $("play").textContent = timer ? PAUSE : "▶ play";
  $("quiz").hidden = !quiz;
  if (quiz) drawQuiz();
  if (focus !== null && view.shapes[focus].group) followStep(focus);
  drawDetails();
  drawWhatIf();
  drawCost();
  drawMistake();
  drawGiven();
  drawMatrix();
  writeState();
}

function go(step) {
  view.step = Math.max(0, Math.min(view.total, step));
  if (view.step === view.total) stop();
  update();
  if (view.step === 0) showOutput(view);  // the start: the output in view
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
