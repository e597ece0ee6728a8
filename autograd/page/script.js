// chainrule's page, the wiring: buttons, pickers, clicks and keys, the test hooks and the start. The last of
// the page's script files (see SCRIPTS in autograd/page/__init__.py).
// --- wiring ----------------------------------------------------------------------------------------------
// `link`: the matrix form's entry that selected it, whose nodes the graph lights (none: a click on the graph).
function select(k, link) {
  view.selected = k;
  view.matrixLink = link || null;
  if (quiz) feedback = null;
  wantPanel(false);  // its details are in the side panel
  update();
  $("spoken").textContent = spokenNode(k);  // said by a screen reader: its numbers and its chain rule
  if (link) showLinked(link);
  else if (view.shapes[k].group) keepInSight(view.shapes[k].group);
}
function showPanes() {
  containers.forEach((c) => { c.hidden = c !== view.container; });
  views.forEach((v) => { if (v.legendLine) v.legendLine.hidden = v !== view; });
  document.body.classList.toggle("picture-slide", view.picture === "slide");
  $("picture-picker").hidden = view.g.pictures.length < 2;
  $("picture").value = view.picture;
}
// The picker: the full graph or the slide view; the step carries over (the same nodes done).
function showPicture(kind) {
  if (kind === view.picture || !view.g.pictures.includes(kind)) return;
  stop();
  view.usePicture(kind);
  showPanes();
  zoom(view, fitScale(view), true);
  update();
  if (view.step === 0) showOutput(view);
}
function showGraph(i, start) {
  stop();
  view = views[i];
  if (view.scale === undefined) choosePicture(view, start);
  showPanes();
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
    if (!m.steps) option.textContent += " (cannot run here)";  // why: in the note when it is chosen
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
$("panel").addEventListener("click", () => {
  panelFoldedAtStart = false;  // the learner's choice from now on
  setPanel(document.body.classList.contains("panel-closed"));
});
window.addEventListener("resize", refit);
window.addEventListener("load", () => { refit(); update(); });
$("matrix-toggle").addEventListener("click", () => setMatrix(!matrixOpen));
$("layer-back").addEventListener("click", () => layerStep(-1));
$("layer-forward").addEventListener("click", () => layerStep(1));
$("matrix").addEventListener("mousedown", (event) => {  // as the step buttons: the keys keep stepping
  if (event.target.closest(".matrix-bar button")) event.preventDefault();
});
$("matrix").addEventListener("click", (event) => {
  const button = event.target.closest("button.entry");
  if (button && entryOf.has(button)) linkEntry(entryOf.get(button));
});
$("zoom-in").addEventListener("click", () => zoom(view, view.scale * 1.25));
$("zoom-out").addEventListener("click", () => zoom(view, view.scale / 1.25));
$("quiz-mode").addEventListener("change", (event) => {
  stop();
  quiz = event.target.checked;
  feedback = null;
  if (quiz) wantPanel(true);
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
$("mistake").addEventListener("change", (event) => {
  const m = view.g.mistakes.find((item) => item.key === event.target.value);
  if (m && !m.steps) {  // said where the class sees it, not only in a tooltip
    event.target.value = view.mistake ? view.mistake.key : "";
    showNote("The mistake “" + m.title + "” cannot run here: " + cannotRun(m) + ".");
    return;
  }
  showNote(null);
  setMistake(event.target.value);
});
$("picture").addEventListener("change", (event) => showPicture(event.target.value));
for (const container of containers) {
  container.addEventListener("click", (event) => {
    const group = event.target.closest("g.node");
    if (group && group.dataset.node !== undefined) select(Number(group.dataset.node));
  });
  // A node is announced as a button, so Space and Enter press it (select it), as on any button; Space
  // elsewhere keeps its meaning, play or pause.
  container.addEventListener("keydown", (event) => {
    const group = event.target.closest && event.target.closest("g.node");
    if (!group || group.dataset.node === undefined || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();  // no playback, and no scrolling of the pane
    select(Number(group.dataset.node));
  });
}
document.addEventListener("keydown", (event) => {
  const tag = event.target.tagName;
  if (event.defaultPrevented) return;  // a node's own Space or Enter
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
  if (matrixShown() && !view.mistake) {  // a presenter's clicker sends Page Down and Page Up
    actions.PageDown = () => layerStep(1);
    actions.PageUp = () => layerStep(-1);
  }
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
  caption: (k, backward) => view.stepCaption(k, backward),
  derivation: (k) => derivationText(view.g, k, view.result),
  scale: () => view.scale,
  picture: () => view.picture,
  root: () => view.g.root,
  legiblePx: legiblePx,
  layerSteps: () => layerSteps(view),
  selected: () => view.selected,
  number: number,
};
// Copied text carries ASCII minus signs, which Python and JavaScript parse; the screen keeps the
// typographic one (U+2212). A selection without one is left to the browser.
document.addEventListener("copy", (event) => {
  const text = String(window.getSelection());
  if (!text.includes("\u2212") || !event.clipboardData) return;
  event.clipboardData.setData("text/plain", text.replace(/\u2212/g, "-"));
  event.preventDefault();
});

const linked = location.hash;  // read before the first update writes the page's own state
// The page's own layout, which the first view is measured in; back to the picture alone if the start fails.
document.body.classList.remove("no-script");
$("no-script").hidden = true;
try {
  showGraph(0, true);
  readState(linked);
} catch (error) {
  document.body.classList.add("no-script");
  $("no-script").hidden = false;
  throw error;
}
window.addEventListener("hashchange", () => readState(location.hash));
// Started: the line that says the interactive part did not start goes.
$("no-script").remove();
