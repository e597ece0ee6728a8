// One run of the playground (its data, weights, optimizer state and loss curve) and its settings.

  // --- one run: data, weights, optimizer state, batch order, the loss curve -----------------------------
  let run = null;
  function newRun(s) {
    const net = layout(s), data = makeData(s);
    run = {
      s, net, data, w: initialWeights(s, net), grad: new Float64Array(net.size),
      tapes: [recordTape(s, net, 0), recordTape(s, net, 1)], layers: null, opt: new Optimizer(s, net.size),
      order: generator(s, "order"), epochOrder: null, position: 0, step: 0, epoch: 0,
      curve: [], last: null, picked: run && run.s.data === s.data ? run.picked : null, watch: run ? run.watch : 0,
      diverged: null,
    };
    run.layers = matrixForm(s, planFor(s, net), run.tapes);  // null: the trace, sample by sample
    if (run.watch >= net.size) run.watch = 0;
    if (!run.picked || !pointAt(run.picked)) run.picked = run.data.train.length ? { set: "train", i: 0 } : null;
    measure();
  }
  const batchSize = () => (run.s.batch === 0 ? run.data.train.length : Math.min(run.s.batch, run.data.train.length));

  // nn.data.batches: each epoch a new order (shuffled unless the batch is the whole set), cut in batches.
  function nextBatch() {
    const n = run.data.train.length, size = batchSize();
    if (run.epochOrder === null) {
      run.epochOrder = [...Array(n).keys()];
      if (size < n) run.order.shuffle(run.epochOrder);
      run.position = 0;
    }
    const idx = run.epochOrder.slice(run.position, run.position + size);
    run.position += size;
    if (run.position >= n) { run.epochOrder = null; run.epoch += 1; }
    return idx;
  }

  function trainStep() {
    if (run.diverged || run.data.train.length === 0) return false;
    const before = { order: run.order.state, epochOrder: run.epochOrder, position: run.position, epoch: run.epoch };
    const idx = nextBatch(), grad = run.grad, upstream = idx.length > 1 ? 1.0 / idx.length : 1.0;
    grad.fill(0);
    let total = 0;
    if (run.layers) total = layeredStep(run.layers, run.w, run.data.train, idx, upstream, grad);
    else {
      for (const i of idx) {
        const [x, y, c] = run.data.train[i], tape = run.tapes[c];
        total += forward(tape, run.w, x, y, true);
        backward(tape, upstream, grad);
      }
    }
    try {
      run.last = run.opt.step(run.w, grad, run.watch);
    } catch (error) {
      if (!(error instanceof Diverged)) throw error;
      run.diverged = error.message;
      run.order.state = before.order;  // the step not taken: its batch not drawn, its epoch not counted
      Object.assign(run, { epochOrder: before.epochOrder, position: before.position, epoch: before.epoch });
      return false;
    }
    run.last.batch = idx.length;
    run.last.loss = total / idx.length;
    run.step += 1;
    return true;
  }

  // The loss and accuracy of a whole set at the current weights (no gradients); with `off`, the hidden
  // ReLU layers (numbered from 1) whose every unit gives 0 at every point of the set.
  function evaluate(points, off) {
    if (points.length === 0) return null;
    let total = 0, right = 0;
    if (run.layers) {
      const { total: sum, out } = layeredLosses(run.layers, run.w, points);
      points.forEach((p, t) => { if (predicted(out[t]) === p[2]) right += 1; });
      if (off) off.push(...offLayers(run.layers, points.length));
      return { loss: sum / points.length, accuracy: right / points.length };
    }
    const on = new Set();
    for (const [x, y, c] of points) {
      const tape = run.tapes[c];
      total += forward(tape, run.w, x, y, false);
      if (predicted(tape.values[tape.output]) === c) right += 1;
      if (off) for (const u of tape.units) if (u.act === "relu" && tape.values[u.out] !== 0) on.add(u.layer);
    }
    if (off) off.push(...reluLayers().filter((l) => !on.has(l)));
    return { loss: total / points.length, accuracy: right / points.length };
  }
  // A ReLU gives 0 exactly where a ≤ 0, where its gradient is 0 too (the rule table's convention): a layer
  // all 0 for every training point passes no gradient back, and the network's output is the same for
  // every point. Read off the layers' outputs Hₖ that the whole training set's pass just left.
  const reluLayers = () => (run.s.activation === "relu" ? run.s.hidden.map((_, k) => k + 1) : []);
  function offLayers(M, n) {
    return reluLayers().filter((l) => {
      const L = M.layers[l - 1], h = L.h;
      for (let q = 0; q < L.K * n; q++) if (h[q] !== 0) return false;
      return true;
    });
  }
  // nn.predict_class: a linear output (a score) is class 1 above 0, a sigmoid output above 0.5.
  const predicted = (out) => (out > (run.s.loss === "bce" ? 0.0 : 0.5) ? 1 : 0);
  const probability = (out) => (run.s.loss === "bce" ? F.sigmoid(out) : out);

  const MAX_CURVE = 1500;
  function measure() {
    const off = [], train = evaluate(run.data.train, off), test = evaluate(run.data.test);
    run.score = { train, test };
    run.off = off;
    const point = [run.step, train ? train.loss : NaN, test ? test.loss : NaN];
    if (run.curve.length && run.curve[run.curve.length - 1][0] === run.step) run.curve[run.curve.length - 1] = point;  // edited data
    else run.curve.push(point);
    if (run.curve.length > MAX_CURVE) run.curve = run.curve.filter((_, i) => i % 2 === 0 || i === run.curve.length - 1);
  }

  function steps(k) {
    let done = 0;
    while (done < k && trainStep()) done += 1;
    measure();
    return done;
  }
  function oneEpoch() {
    const start = run.epoch;
    let done = 0;
    while (run.epoch === start && trainStep()) done += 1;
    measure();
    return done;
  }

  // --- settings: from the form or the URL fragment, checked against the limits Python sent ------------
  // stateText and readState are the playground's; writeState, StateError, shown and showNote are
  // autograd/page/fragment.js's.
  const MAX_STATE = 12000, KEYS = DATA.names;
  function numberSetting(key, text) {
    if (key === "batch" && text.trim() === "full") return 0;
    const [low, high, whole] = LIMITS[key];
    const ok = text.length <= 24 && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text.trim());
    const x = ok ? Number(text.trim()) : NaN;
    if (!(x >= low && x <= high) || (whole && !Number.isInteger(x))) {
      const full = key === "batch" ? " (or full)" : "";
      throw new StateError(key + " must be " + (whole ? "a whole number" : "a number") + " from " + low + " to " + high + full + ", not " + shown(text) + ".");
    }
    return x;
  }
  function hiddenSetting(text) {
    const t = text.trim();
    if (t === "" || t === "none") return [];
    if (!/^\d{1,6}(,\d{1,6})*$/.test(t.replace(/\s+/g, ""))) throw new StateError("hidden must list layer sizes like 4,4, not " + shown(text) + ".");
    const sizes = t.replace(/\s+/g, "").split(",").map(Number);
    if (sizes.length > DATA.maxLayers || sizes.some((u) => u < 1 || u > DATA.maxUnits)) {
      throw new StateError("hidden takes up to " + DATA.maxLayers + " layers of 1 to " + DATA.maxUnits + " units, not " + shown(text) + ".");
    }
    return sizes;
  }
  function pointsSetting(text) {
    if (text === "") return [];
    const items = text.split(";");
    if (items.length > DATA.maxPoints) throw new StateError("points holds more than " + DATA.maxPoints + " points.");
    return items.map((item) => {
      const m = /^(-?\d{1,2}(?:\.\d{1,6})?),(-?\d{1,2}(?:\.\d{1,6})?),([01])(,1)?$/.exec(item);
      const x = m ? Number(m[1]) : NaN, y = m ? Number(m[2]) : NaN;
      if (!(Math.abs(x) <= DATA.pointBound && Math.abs(y) <= DATA.pointBound)) {
        throw new StateError("a point must read x,y,class (x,y,class,1 for a test point) within ±" + DATA.pointBound + " with class 0 or 1, not " + shown(item) + ".");
      }
      return m[4] ? [x, y, Number(m[3]), 1] : [x, y, Number(m[3])];
    });
  }
  // Settings from texts by name: every one checked, the whole refused at the first wrong one. What is
  // read but not used is said in `notes`.
  function parseSettings(texts, base, notes) {
    const s = JSON.parse(JSON.stringify(base));
    for (const [key, text] of texts) {
      if (!KEYS.includes(key)) throw new StateError("it has an unknown setting " + shown(key) + ".");
      if (CHOICES[key]) {
        if (!CHOICES[key].includes(text)) throw new StateError(key + " must be one of " + CHOICES[key].join(", ") + ", not " + shown(text) + ".");
        s[key] = text;
      } else if (key === "hidden") s.hidden = hiddenSetting(text);
      else if (key === "points") s.points = pointsSetting(text);
      else s[key] = numberSetting(key, text);
    }
    if (s.data === "custom" && !s.points.some((p) => p.length === 3)) throw new StateError("data=custom needs at least one training point.");
    if (s.data !== "custom" && s.points.length && notes) notes.push("its points were not used: they are read only with data=custom.");
    if (s.data !== "custom") s.points = [];
    return s;
  }
  const pointText = (points) => points.map((p) => p.join(",")).join(";");  // x,y,class[,1 for a test point]
  function settingText(s, key) {
    if (key === "hidden") return s.hidden.length ? s.hidden.join(",") : "none";  // as hiddenSetting and the command read it
    if (key === "batch" && s.batch === 0) return "full";
    if (key === "points") return pointText(s.points);
    return String(s[key]);
  }

  // The URL fragment holds only what differs from the page as written.
  function stateText() {
    const p = new URLSearchParams();
    for (const key of KEYS) {
      const text = settingText(run.s, key);
      if (text !== settingText(DATA.settings, key)) p.set(key, text);
    }
    return p.toString().replace(/%2C/g, ",").replace(/%3B/g, ";");
  }
  function readState(hash) {
    const text = hash.replace(/^#/, "");
    if (text === "") return false;
    try {
      if (text.length > MAX_STATE) throw new StateError("it is longer than " + MAX_STATE + " characters.");
      const entries = Array.from(new URLSearchParams(text)), seen = new Set();
      for (const [key] of entries) {
        if (seen.has(key)) throw new StateError("it gives " + shown(key) + " twice.");
        seen.add(key);
      }
      const notes = [];
      start(parseSettings(entries, DATA.settings, notes));
      showNote(notes.length ? "This link's settings are in use, but " + notes.join(" ") : null);
      return true;
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      showNote("This link's settings were not used: " + error.message);
      return false;
    }
  }
