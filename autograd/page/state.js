// --- the page's state in the URL fragment, so that a link opens the page just there -------------------
// #output=2&picture=slide&mode=forward&wrt=w5&step=7&quiz=1&matrix=1&set.w5=0.9: only what differs from the
// page as written, and the picture shown whenever the graph has two (the first view's choice depends on the screen).
// A fragment is data from whoever made the link: it is checked whole before any of it is used, and one
// that is too long, unknown, of the wrong kind or impossible is ignored with a note (shown as text).
// stateText and readState are this page's; writeState, StateError, shown and showNote are fragment.js's.
const MAX_STATE = 2000, MAX_SETTINGS = 100;

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
  if (view.g.pictures.length > 1) p.set("picture", view.picture);
  if (view.mistake) p.set("mistake", view.mistake.key);
  if (view.forward) {
    p.set("mode", "forward");
    p.set("wrt", keyOf(view, view.wrt));
  }
  if (view.step > 0) p.set("step", String(view.step));
  if (quiz) p.set("quiz", "1");
  if (matrixShown()) p.set("matrix", "1");
  for (const k of view.g.inputs) {
    if (view.leaves[k] !== view.original[k]) p.set("set." + keyOf(view, k), String(view.leaves[k]));
  }
  return p.toString();
}
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
    if (!["output", "picture", "mistake", "mode", "wrt", "step", "quiz", "matrix"].includes(key) && !key.startsWith("set.")) {
      throw new StateError("it has an unknown setting " + shown(key) + ".");
    }
    got.set(key, value);
  }
  const output = got.has("output") ? whole(got.get("output"), 1, views.length, "output") - 1 : 0;
  const v = views[output], keys = leafKeys(v);
  let picture = v.picture;
  if (got.has("picture")) {
    picture = got.get("picture");
    if (picture !== "full" && picture !== "slide") throw new StateError("picture must be full or slide, not " + shown(picture) + ".");
    if (!v.g.pictures.includes(picture)) throw new StateError("this graph has no " + picture + " picture" + (picture === "full" ? " (it is too big to draw every node)." : " (nothing to fuse)."));
  }
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
    mistake = v.g.mistakes.find((m) => m.key === got.get("mistake")) || null;
    if (!mistake) throw new StateError("this page has no mistake view " + shown(got.get("mistake")) + ".");
    if (!mistake.steps) throw new StateError("the mistake " + shown(mistake.key) + " cannot run here: " + cannotRun(mistake) + ".");
    if (mode !== "reverse" || got.has("quiz") || Array.from(got.keys()).some((key) => key.startsWith("set."))) {
      throw new StateError("mistake goes with neither mode=forward, quiz nor set.");
    }
    if (!got.has("picture") && v.g.pictures.includes("full")) picture = "full";  // the mistake view's picture
    if (picture === "slide" && v.g.pictures.includes("full")) throw new StateError("mistake goes with picture=full.");
  }
  const orders = pictureOrders(v.g, picture);
  const total = mistake ? mistakeOn(v.g, mistake, picture).steps.length : orders.forward.length + (mode === "forward" ? 0 : orders.backward.length);
  const step = got.has("step") ? whole(got.get("step"), 0, total, "step") : 0;
  const quizOn = got.has("quiz") ? whole(got.get("quiz"), 0, 1, "quiz") === 1 : false;
  const matrix = got.has("matrix") ? whole(got.get("matrix"), 0, 1, "matrix") === 1 : false;
  if (matrix && !v.g.matrix) throw new StateError("this graph has no matrix form (its nodes do not group into layers).");
  return { output, picture, leaves, result, t, mode, wrt, step, quiz: quizOn, mistake: mistake && mistake.key, matrix };
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
  view.setMistake(null);
  if (plan.picture !== view.picture) {
    view.usePicture(plan.picture);
    showPanes();
    zoom(view, fitScale(view), true);
  }
  view.setMistake(plan.mistake);
  Object.assign(view, { leaves: plan.leaves, result: plan.result, t: plan.t, mode: plan.mode, wrt: plan.wrt, step: plan.step });
  view.edited = view.leaves.some((x, k) => x !== view.original[k]);
  quiz = plan.quiz;
  $("quiz-mode").checked = quiz;
  if (plan.matrix !== matrixOpen) setMatrix(plan.matrix, true);
  if (quiz) wantPanel(true);
  feedback = null;
  $("whatif").dataset.graph = "";  // redraw the fields with the link's numbers
  update();
  if (view.step === 0) showOutput(view);
}
