// The controls: play, pause, step, epoch, reset, speed, the keys, the test hooks, the start.

  // --- controls ------------------------------------------------------------------------------------------
  let playing = false, frame = 0;
  function play(on) {
    playing = on && !run.diverged;
    $("play").textContent = playing ? "\u275a\u275a pause" : "▶ play";
    if (playing && !frame) frame = requestAnimationFrame(tick);
  }
  function tick() {
    frame = 0;
    if (!playing) return;
    steps(Number($("speed").value));
    draw();
    if (run.diverged) play(false);
    if (playing) frame = requestAnimationFrame(tick);
  }
  function start(s) {
    newRun(s);
    buildGraph();
    openUnit = null;
    fillForm();
    fillWeights();
    writeState();
    draw();
  }

  function fillForm() {
    const form = $("settings");
    for (const key of Object.keys(CHOICES)) {
      const select = form.elements[key];
      if (!select.options.length) {
        for (const c of CHOICES[key]) select.append(Object.assign(document.createElement("option"), { value: c, textContent: c }));
      }
    }
    for (const key of KEYS) if (form.elements[key]) form.elements[key].value = settingText(run.s, key);
    form.elements.n.disabled = form.elements.noise.disabled = form.elements.test.disabled = run.s.data === "custom";
    if (run.s.data === "custom") form.elements.n.value = String(run.s.points.length);  // the points there are
    form.querySelectorAll(".for-momentum").forEach((e) => { e.hidden = run.s.optimizer !== "momentum"; });
    form.querySelectorAll(".for-adam").forEach((e) => { e.hidden = run.s.optimizer !== "adam"; });
  }
  function fillWeights() {
    const select = $("weight");
    select.replaceChildren(...run.net.labels.map((label, i) => Object.assign(document.createElement("option"), { value: String(i), textContent: label })));
    select.value = String(run.watch);
  }
  // One field applied: only the field edited is read, onto the settings in use. A refused value is put
  // back to the one in use, and the note names the field and says why.
  function applyForm(event) {
    const form = $("settings");
    const field = event.type === "submit" ? document.activeElement : event.target;
    if (!field || field.form !== form || !KEYS.includes(field.name)) return;
    const key = field.name, base = Object.assign({}, run.s);
    if (key === "data" && field.value === "custom" && run.s.data !== "custom") base.points = currentPoints();
    try {
      const s = parseSettings([[key, field.value]], base);
      showNote(null);
      play(false);
      start(s);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      // The message names the setting as a link does (lr); here it takes the field's own name instead.
      const label = field.closest("label").firstChild.textContent.trim(), kept = settingText(run.s, key);
      const why = error.message.startsWith(key + " ") ? label + error.message.slice(key.length) : "the field " + label + ": " + error.message;
      field.value = kept;
      showNote("Not applied: " + why + " The field shows the value in use, " + kept + ", again.");
      field.focus();
    }
  }
  // The points shown now, rounded to 0.01 so that a link carries them exactly; a test point keeps its
  // mark (a 4th item 1) and a point outside the plane is kept (within ±pointBound).
  const round = (x) => Math.max(-DATA.pointBound, Math.min(DATA.pointBound, Math.round(x * 100) / 100));
  function currentPoints() {
    const mark = (set) => run.data[set].map(([x, y, c]) => (set === "test" ? [round(x), round(y), c, 1] : [round(x), round(y), c]));
    return mark("train").concat(mark("test"));
  }

  // A click on the plane: pick the nearest point, or (editing) add one or remove the one clicked.
  function planeClick(event) {
    const canvas = $("plane"), rect = canvas.getBoundingClientRect();
    const x = -BOX + (2 * BOX * (event.clientX - rect.left)) / rect.width, y = BOX - (2 * BOX * (event.clientY - rect.top)) / rect.height;
    clickAt(x, y, event.shiftKey);
  }
  const picking = () => document.querySelector("input[name=click]:checked").value === "pick";
  // What a click at (x, y) does, from the mouse or from the keyboard's cursor: a point within 10 pixels.
  function clickAt(x, y, shift) {
    const near = nearest(x, y, (2 * BOX * 10) / Math.max(1, $("plane").getBoundingClientRect().width));
    if (!picking()) {
      editPoints(near, x, y, shift ? 1 : 0);
      return;
    }
    if (near) {
      run.picked = near;
      draw();
    }
    say(near ? "picked " + describe(near) : "no point at the cursor to pick: n and p go from point to point");
  }
  const describe = (ref) => {
    const p = pointAt(ref);
    return "the " + (ref.set === "train" ? "training" : "test") + " point (" + number(p[0]) + ", " + number(p[1]) + "), class " + p[2];
  };

  // --- the plane by keyboard (WCAG 2.1.1): a cursor the arrows move; Enter clicks where it is ------------
  let cursor = null;
  const say = (text) => { $("plane-status").textContent = text; };
  function startCursor() {
    const p = run.picked && pointAt(run.picked);
    return p ? { x: p[0], y: p[1] } : { x: 0, y: 0 };
  }
  function sayCursor() {
    const all = ["train", "test"].flatMap((set) => run.data[set].map((p, i) => ({ set, i, d: Math.hypot(p[0] - cursor.x, p[1] - cursor.y) })));
    const near = all.reduce((best, q) => (best === null || q.d < best.d ? q : best), null);
    say("cursor (" + number(cursor.x) + ", " + number(cursor.y) + ")" + (near ? "; nearest: " + describe(near) + ", " + number(near.d) + " away" : ""));
  }
  // n and p: the next or previous point (training points, then test points); picked when picking.
  function jump(by) {
    const all = ["train", "test"].flatMap((set) => run.data[set].map((_, i) => ({ set, i })));
    if (all.length === 0) return say("no points");
    const at = run.picked ? all.findIndex((q) => q.set === run.picked.set && q.i === run.picked.i) : -1;
    const next = all[(at + by + all.length) % all.length], p = pointAt(next);
    cursor = { x: p[0], y: p[1] };
    if (picking()) {
      run.picked = next;
      draw();
    }
    say((picking() ? "picked " : "cursor on ") + describe(next));
  }
  function planeKey(event) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (!cursor) cursor = startCursor();
    if (moves[event.key]) {
      const step = event.shiftKey ? 0.01 : 0.1, clamp = (v) => Math.max(-BOX, Math.min(BOX, Math.round(v * 100) / 100));
      cursor = { x: clamp(cursor.x + moves[event.key][0] * step), y: clamp(cursor.y + moves[event.key][1] * step) };
      sayCursor();
    } else if (event.key === "Enter") clickAt(cursor.x, cursor.y, event.shiftKey);
    else if (event.key === "n" || event.key === "p") jump(event.key === "n" ? 1 : -1);
    else return;
    event.preventDefault();
    event.stopPropagation();  // the arrows move the cursor here; they do not step the training
    drawPlane();
  }
  function nearest(x, y, radius) {
    let best = null, bestD = radius;
    for (const set of ["train", "test"]) {
      run.data[set].forEach((p, i) => {
        const d = Math.hypot(p[0] - x, p[1] - y);
        if (d <= bestD) { best = { set, i }; bestD = d; }
      });
    }
    return best;
  }
  // Editing makes the data the user's own (data=custom), every point kept: a new point is a training
  // point, the test points stay test points. The weights, the optimizer and the loss curve go on.
  function editPoints(near, x, y, cls) {
    const points = currentPoints(), nTrain = run.data.train.length;
    let what;
    if (near) {
      const k = near.set === "train" ? near.i : nTrain + near.i, p = points[k];
      points.splice(k, 1);
      what = "Removed the " + near.set + " point (" + p[0] + ", " + p[1] + "), class " + p[2];
    } else if (points.length >= DATA.maxPoints) {
      showNote("Not added: a data set holds at most " + DATA.maxPoints + " points (as many as the points field allows); remove one first.");
      return;
    } else {
      points.splice(nTrain, 0, [round(x), round(y), cls]);
      what = "Added a training point (" + round(x) + ", " + round(y) + "), class " + cls;
    }
    setPoints(points, what);
  }
  function setPoints(points, what) {
    const wasCustom = run.s.data === "custom", s = Object.assign({}, run.s, { data: "custom", points });
    run.s = s;
    run.opt.s = s;
    run.data = makeData(s);
    run.epochOrder = null;
    if (!run.picked || !pointAt(run.picked)) run.picked = run.data.train.length ? { set: "train", i: 0 } : null;
    const sizes = run.data.train.length + " training and " + run.data.test.length + " test points";
    showNote(what + ". " + (wasCustom ? "" : "The data are now your own (data custom, every point rounded to 0.01 so that the link holds it): ") +
      sizes + "; training goes on from step " + run.step + " on them." + (run.data.train.length ? "" : " No training point left: add one to train again."));
    measure();
    fillForm();
    writeState();
    draw();
  }

  function wire() {
    $("play").addEventListener("click", () => play(!playing));
    $("step").addEventListener("click", () => { play(false); steps(1); draw(); });
    $("epoch").addEventListener("click", () => { play(false); oneEpoch(); draw(); });
    $("reset").addEventListener("click", () => { play(false); start(run.s); });
    $("plane").addEventListener("click", planeClick);
    $("plane").addEventListener("keydown", planeKey);
    $("plane").addEventListener("focus", () => { if (!cursor) cursor = startCursor(); drawPlane(); });
    $("plane").addEventListener("blur", () => drawPlane());
    $("weight").addEventListener("change", () => watch(Number($("weight").value)));
    $("network").addEventListener("click", networkClick);
    $("to-graph").addEventListener("click", () => $("graph-box").scrollIntoView({ block: "start" }));
    const form = $("settings");
    form.addEventListener("change", applyForm);
    form.addEventListener("submit", (e) => { e.preventDefault(); applyForm(e); });
    document.addEventListener("keydown", (e) => {
      if (e.target.closest && e.target.closest("input, select, textarea")) return;
      if (e.key === " ") { e.preventDefault(); play(!playing); }
      else if (e.key === "ArrowRight") { play(false); steps(1); draw(); }
      else if (e.key === "r") { play(false); start(run.s); }
    });
    window.addEventListener("hashchange", () => { play(false); readState(location.hash); writeState(); });
    // A canvas is drawn at its shown size: drawn again when the layout changes it (the window, a note
    // or the status taking a line more), a frame later, so that the drawing never resizes what it observes.
    let pending = 0;
    const redraw = new ResizeObserver(() => { if (!pending) pending = requestAnimationFrame(() => { pending = 0; draw(); }); });
    for (const id of ["plane", "curve", "net-box"]) redraw.observe($(id));
  }

  wire();
  const linked = location.hash;
  start(DATA.settings);
  if (linked && !readState(linked)) writeState();

  // For the tests and the benchmark: the page's state as plain data.
  window.playground = {
    steps: (k) => { const done = steps(k); draw(); return done; },
    epoch: () => { const done = oneEpoch(); draw(); return done; },
    reset: () => start(run.s),
    weights: () => Array.from(run.w),
    labels: () => run.net.labels.slice(),
    settings: () => JSON.parse(JSON.stringify(run.s)),
    points: () => ({ train: run.data.train.map((p) => p.slice()), test: run.data.test.map((p) => p.slice()) }),
    picked: () => run.picked && Object.assign({}, run.picked),
    state: () => ({ step: run.step, epoch: run.epoch, score: run.score, diverged: run.diverged, playing, layered: run.layers !== null }),
    plan: () => (run.layers ? JSON.parse(JSON.stringify(run.layers.plan)) : null),  // the layers in use
    // Train this run by layers (true: its plan, when it fits) or by the trace (false); says which it does.
    layers: (on) => {
      run.layers = on ? matrixForm(run.s, planFor(run.s, run.net), run.tapes) : null;
      measure();
      return run.layers !== null;
    },
    bench: (k) => {  // milliseconds for k training steps, views not drawn (benchmarks/playground.py)
      const t0 = performance.now();
      for (let i = 0; i < k; i++) trainStep();
      return performance.now() - t0;
    },
  };
