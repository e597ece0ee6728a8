// The views: the plane, the loss curve, the network, the chosen weight's update, the picked point's graph.

  // --- the views ---------------------------------------------------------------------------------------
  function pointAt(ref) {
    const set = run.data[ref.set];
    return set && ref.i < set.length ? set[ref.i] : null;
  }
  function setupCanvas(canvas) {
    const ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return { ctx, w, h };
  }

  const GRID = 40;
  const shade = document.createElement("canvas");
  shade.width = shade.height = GRID;
  const PLACES = [];  // the grid's centres, row by row from the top: the points the plane's shade is of
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) PLACES.push([-BOX + (2 * BOX * (c + 0.5)) / GRID, BOX - (2 * BOX * (r + 0.5)) / GRID]);
  }
  function drawPlane() {
    const { ctx, w, h } = setupCanvas($("plane"));
    const image = shade.getContext("2d").createImageData(GRID, GRID), tape = run.tapes[0];
    const outs = run.layers ? layeredOutputs(run.layers, run.w, PLACES) : null;  // every place in one pass
    let unknown = 0;
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        const [x, y] = PLACES[r * GRID + c];
        if (!outs) forward(tape, run.w, x, y, false);
        // A place whose output is not a number (an overflowing network) stays plain, not black.
        const score = outs ? outs[r * GRID + c] : tape.values[tape.output];
        const out = probability(score), q = Number.isNaN(out) ? 0.5 : out;
        if (Number.isNaN(out)) unknown += 1;
        const strength = Math.min(1, Math.abs(q - 0.5) * 2) * 0.55;
        const colour = q >= 0.5 ? [37, 99, 235] : [194, 65, 12], o = 4 * (r * GRID + c);
        for (let i = 0; i < 3; i++) image.data[o + i] = Math.round(255 + (colour[i] - 255) * strength);
        image.data[o + 3] = 255;
      }
    }
    shade.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(shade, 0, 0, w, h);
    const px = (x) => ((x + BOX) / (2 * BOX)) * w, py = (y) => ((BOX - y) / (2 * BOX)) * h;
    ctx.strokeStyle = "rgba(17,24,39,0.25)";
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(px(0), 0); ctx.lineTo(px(0), h); ctx.moveTo(0, py(0)); ctx.lineTo(w, py(0)); ctx.stroke();
    for (const set of ["train", "test"]) {
      run.data[set].forEach(([x, y, c]) => {
        ctx.beginPath(); ctx.arc(px(x), py(y), 4.5, 0, 2 * Math.PI);
        ctx.fillStyle = set === "train" ? (c ? BLUE : ORANGE) : "#ffffff";
        ctx.strokeStyle = set === "train" ? "#ffffff" : (c ? BLUE : ORANGE);
        ctx.lineWidth = set === "train" ? 1.2 : 2.2;
        ctx.fill(); ctx.stroke();
      });
    }
    const p = run.picked && pointAt(run.picked);
    if (p) {
      ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 9, 0, 2 * Math.PI);
      ctx.strokeStyle = INK; ctx.lineWidth = 2.5; ctx.stroke();
    }
    if (cursor && document.activeElement === $("plane")) {  // the keyboard's cursor: a cross in violet
      const cx = px(cursor.x), cy = py(cursor.y);
      ctx.strokeStyle = "#7c3aed"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(cx - 11, cy); ctx.lineTo(cx + 11, cy); ctx.moveTo(cx, cy - 11); ctx.lineTo(cx, cy + 11); ctx.stroke();
    }
    // The axes' labels over the points, each on a white halo so that a point under it does not hide it.
    ctx.font = "13px system-ui, sans-serif";
    halo(ctx, "x₁ →", w - 36, py(0) - 6); halo(ctx, "x₂ ↑", px(0) + 5, 15);
    halo(ctx, "−1", px(-1) - 7, py(0) + 15); halo(ctx, "1", px(1) - 3, py(0) + 15);
    if (unknown) note(ctx, "no boundary: the output is not a number", w, h);
    else if (run.diverged) note(ctx, "stopped: the last finite weights' boundary", w, h);
  }
  // A note at the plane's foot on a white band, in lines that fit the plane (narrower than the
  // sentence on a 1024-px projector), no axis or point drawn through it.
  function note(ctx, text, w, h) {
    const lines = [""];
    for (const word of text.split(" ")) {
      const next = lines[lines.length - 1] ? lines[lines.length - 1] + " " + word : word;
      if (lines[lines.length - 1] && ctx.measureText(next).width > w - 16) lines.push(word);
      else lines[lines.length - 1] = next;
    }
    const top = h - 8 - 17 * lines.length;
    ctx.fillStyle = "rgba(255,255,255,0.92)"; ctx.fillRect(0, top, w, h - top);
    ctx.fillStyle = INK;
    lines.forEach((line, i) => ctx.fillText(line, 8, top + 15 + 17 * i));
  }
  function halo(ctx, text, x, y) {
    ctx.lineJoin = "round"; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.lineWidth = 4;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = INK; ctx.fillText(text, x, y);
  }

  const JOINED = 25;
  function drawCurve() {
    const { ctx, w, h } = setupCanvas($("curve"));
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, w, h);
    const pts = run.curve, bottom = h - 20, top = 8, right = w - 8;
    let high = 0, low = Infinity;
    for (const [, a, b] of pts) {
      for (const v of [a, b]) if (Number.isFinite(v)) { high = Math.max(high, v); if (v > 0) low = Math.min(low, v); }
    }
    // A log scale where the losses span decades, as nn.plots draws a history (a diverging run's 1e150
    // over its first 0.7 was a flat line and a spike)
    const log = high > 20 * low;
    high = log ? high : high > 0 ? high * 1.05 : 1;
    ctx.font = "12px system-ui, sans-serif";
    const highText = axisNumber(high), lowText = log ? axisNumber(low) : "0";
    const left = Math.max(40, ctx.measureText(highText).width + 10, ctx.measureText(lowText).width + 10);
    const last = Math.max(1, pts.length ? pts[pts.length - 1][0] : 1);
    const span = log ? Math.log(high / low) : high;
    const X = (step) => left + ((right - left) * step) / last;
    const Y = (v) => bottom - ((bottom - top) * (log ? Math.log(Math.max(v, low) / low) : v)) / span;
    ctx.strokeStyle = "#d1d5db"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.textAlign = "right";
    ctx.fillText(highText, left - 4, top + 10); ctx.fillText(lowText, left - 4, bottom);
    $("curve").setAttribute("aria-label", "the loss over the steps, train and test" + (log ? ", on a log scale" : "") + ": from " +
      lowText + " to " + highText + ", steps 0 to " + last);
    ctx.fillText("step " + last, right, h - 4);
    ctx.textAlign = "start";
    if (log) ctx.fillText("log scale", left, h - 4);
    // A mark for each step measured; frames in a row while playing are joined (at most JOINED steps apart,
    // the fastest speed), a longer jump (playground.steps(3000)) is not: no line over steps not seen.
    for (const [column, colour] of [[1, INK], [2, "#7c3aed"]]) {
      ctx.fillStyle = ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
      let previous = null;
      for (const p of pts) {
        if (!Number.isFinite(p[column])) continue;
        if (previous && p[0] - previous[0] <= JOINED) {
          ctx.beginPath(); ctx.moveTo(X(previous[0]), Y(previous[column])); ctx.lineTo(X(p[0]), Y(p[column])); ctx.stroke();
        }
        previous = p;
        if (column === 1) ctx.fillRect(X(p[0]) - 1.5, Y(p[column]) - 1.5, 3, 3);
        else { ctx.beginPath(); ctx.arc(X(p[0]), Y(p[column]), 1.8, 0, 2 * Math.PI); ctx.fill(); }
      }
    }
  }
  // An axis bound short enough for the margin: 0.6931, 45.2, 1.3e12.
  const axisNumber = (x) => (x >= 1e4 || (x > 0 && x < 1e-3) ? x.toExponential(1).replace("e+", "e").replace("-", "−") : number(x));

  // One name for each column in every view: nn's layer label (L1, L2, …) over a plain title.
  function columnName(l, columns) {
    if (l === 0) return ["x", "inputs"];
    if (l === columns) return ["Lᵢ", "loss"];
    return ["L" + l, l === columns - 1 ? "output" : "layer " + l];
  }

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const key in attrs) e.setAttribute(key, attrs[key]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The network neuron by neuron: a column per layer, an edge per weight (width |w|, colour its sign).
  // A canvas, not SVG: a few hundred edges change every frame, and a canvas redraws them in a blink.
  const TOP = 46;  // the columns' titles: "L1" over "layer 1"
  function networkGeometry() {
    const canvas = $("network"), widths = [2, ...run.s.hidden, 1];
    const H = Math.max(180, 26 * Math.max(...widths) + TOP + 10);
    if (canvas.style.height !== H + "px") canvas.style.height = H + "px";
    const W = canvas.clientWidth;
    const xOf = (l) => 30 + ((W - 60) * l) / (widths.length - 1);
    const yOf = (l, j) => TOP + ((H - TOP - 10) * (j + 0.5)) / widths[l];
    const edges = [];
    run.net.layers.forEach((L, l) => {
      for (let j = 0; j < L.nout; j++) {
        for (let k = 0; k < L.nin; k++) edges.push({ i: L.weights + j * L.nin + k, x1: xOf(l), y1: yOf(l, k), x2: xOf(l + 1), y2: yOf(l + 1, j) });
      }
    });
    return { widths, xOf, yOf, edges };
  }
  function drawNetwork() {
    const geo = networkGeometry(), { ctx, w, h } = setupCanvas($("network"));  // its CSS height first
    ctx.clearRect(0, 0, w, h);
    for (const e of geo.edges) {
      const v = run.w[e.i], watched = e.i === run.watch;
      ctx.strokeStyle = watched ? "#7c3aed" : v >= 0 ? BLUE : ORANGE;
      ctx.globalAlpha = watched ? 1 : 0.85;
      ctx.lineWidth = Math.max(watched ? 2.5 : 0, Math.min(7, 0.4 + 2.2 * Math.abs(v)));
      ctx.beginPath(); ctx.moveTo(e.x1, e.y1); ctx.lineTo(e.x2, e.y2); ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.textAlign = "center";
    geo.widths.forEach((n, l) => {
      const [name, title] = columnName(l, geo.widths.length);
      ctx.fillStyle = INK; ctx.font = "600 14px system-ui, sans-serif"; ctx.fillText(name, geo.xOf(l), 15);
      ctx.fillStyle = MUTED; ctx.font = "12px system-ui, sans-serif"; ctx.fillText(title, geo.xOf(l), 30);
      for (let j = 0; j < n; j++) {
        ctx.beginPath(); ctx.arc(geo.xOf(l), geo.yOf(l, j), 8, 0, 2 * Math.PI);
        ctx.fillStyle = "#ffffff"; ctx.fill(); ctx.strokeStyle = INK; ctx.lineWidth = 1.5; ctx.stroke();
      }
    });
    ctx.textAlign = "start";
  }
  // A click on an edge watches its weight (the nearest edge within 6 pixels).
  function networkClick(event) {
    const rect = $("network").getBoundingClientRect(), x = event.clientX - rect.left, y = event.clientY - rect.top;
    let best = null, bestD = 6;
    for (const e of networkGeometry().edges) {
      const dx = e.x2 - e.x1, dy = e.y2 - e.y1, t = Math.max(0, Math.min(1, ((x - e.x1) * dx + (y - e.y1) * dy) / (dx * dx + dy * dy)));
      const d = Math.hypot(e.x1 + t * dx - x, e.y1 + t * dy - y);
      if (d < bestD) { best = e.i; bestD = d; }
    }
    if (best !== null) watch(best);
  }
  function watch(i) {
    run.watch = i;
    run.last = null;
    $("weight").value = String(i);
    draw();
  }

  // The picked point's graph, collapsed by neuron: inputs, each neuron's net and output, the loss.
  let graphView = null, openUnit = null;
  function buildGraph() {
    // The loss box sits under the output's, so that a 2-4-4-1 network fits 1024 pixels at 14 px text.
    const tape = run.tapes[0], widths = [2, ...run.s.hidden, 1], columns = widths.length;
    const boxW = 216, boxH = 44, gap = 28, top = 44, W = columns * boxW + (columns - 1) * gap + 20;
    const outY = top + ((Math.max(...widths) - 1) * (boxH + 8)) / 2, lossY = outY + boxH + 34;
    const H = Math.max(Math.max(...widths) * (boxH + 8) + top + 10, lossY + boxH + 10);
    const svg = $("graph");
    svg.replaceChildren();
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("width", String(W)); svg.setAttribute("height", String(H));
    const xOf = (col) => 10 + col * (boxW + gap), yOf = (col, j, n) => top + j * (boxH + 8) + ((Math.max(...widths) - n) * (boxH + 8)) / 2;
    const boxes = [], wires = svgEl("g", { class: "wires" }), layer = svgEl("g", {});
    svg.append(wires, layer);
    const place = (col, j, n) => ({ x: xOf(col), y: yOf(col, j, n) });
    for (let col = 0; col < columns; col++) {
      const [name, title] = columnName(col, columns);
      layer.append(svgEl("text", { x: xOf(col) + boxW / 2, y: 16, "text-anchor": "middle", class: "layer-name" }, name),
        svgEl("text", { x: xOf(col) + boxW / 2, y: 32, "text-anchor": "middle", class: "layer-title" }, title));
    }
    tape.inputs.forEach((k, j) => boxes.push(box(layer, place(0, j, 2), boxW, boxH, tape.name[k], k, null)));
    tape.units.forEach((u, i) => {
      const col = u.layer, n = widths[u.layer];
      boxes.push(box(layer, place(col, u.j - 1, n), boxW, boxH, u.act === "linear" ? tape.name[u.net] : tape.name[u.out], u.out, i));
    });
    // Wires from each box to the boxes of the next column (the graph's edges, collapsed).
    const byCol = new Map();
    boxes.forEach((b) => { const list = byCol.get(b.x) || []; list.push(b); byCol.set(b.x, list); });
    const cols = [...byCol.keys()].sort((p, q) => p - q);
    for (let c = 0; c + 1 < cols.length; c++) {
      for (const from of byCol.get(cols[c])) {
        for (const to of byCol.get(cols[c + 1])) {
          wires.append(svgEl("line", { x1: from.x + boxW, y1: from.y + boxH / 2, x2: to.x, y2: to.y + boxH / 2 }));
        }
      }
    }
    const [lossName, lossTitle] = columnName(columns, columns), lossX = xOf(columns - 1);
    layer.append(svgEl("text", { x: lossX + boxW / 2, y: lossY - 8, "text-anchor": "middle", class: "layer-title" }, "↓ " + lossTitle + " " + lossName));
    boxes.push(box(layer, { x: lossX, y: lossY }, boxW, boxH, lossName, -1, null));  // -1: each class's own loss node
    graphView = { boxes };
  }
  // A box's texts go in reading order (name, value, key, gradient), so that a neuron's box, a button, is
  // named with what it shows: "L1.h_1 = 0.53, ∂Lᵢ/∂L1.h_1 = 0.012" (see boxName).
  function box(parent, at, w, h, name, node, unit) {
    const g = svgEl("g", { class: "box", transform: "translate(" + at.x + "," + at.y + ")" });
    g.append(svgEl("rect", { width: w, height: h, rx: 5 }));
    const head = svgEl("text", { x: 6, y: 18, class: "box-name" }, name);
    const value = svgEl("text", { x: w - 6, y: 18, "text-anchor": "end", class: "box-value" });
    const grad = svgEl("text", { x: w - 6, y: 37, "text-anchor": "end", class: "box-grad" });
    // spaces between the texts (SVG draws none), so that their words do not run together when read
    g.append(head, " ", value, " ", svgEl("text", { x: 6, y: 37, class: "box-key" }, "∂Lᵢ/∂" + name), " ", grad);
    if (unit !== null) {
      g.dataset.unit = String(unit);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      const toggle = () => { openUnit = openUnit === unit ? null : unit; draw(); };
      g.addEventListener("click", toggle);
      g.addEventListener("keydown", (e) => {  // a button's keys: Enter and Space
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        e.stopPropagation();  // Space here opens the box; it does not play
        toggle();
      });
    }
    parent.append(g);
    return { x: at.x, y: at.y, node, unit, g, value, grad, name };
  }
  function boxName(b) {
    const value = b.value.textContent, grad = b.grad.textContent;
    const text = (x) => (x === "" ? "(no point picked)" : x);
    return b.name + " = " + text(value) + ", ∂Lᵢ/∂" + b.name + " = " + text(grad) +
      (b.g.classList.contains("open") ? " (open: its nodes are in the table below)" : " (a neuron: press to see its nodes)");
  }
  // The picked point through the network at the current weights: forward and backward of its own loss.
  function pickedPass() {
    const p = run.picked && pointAt(run.picked);
    if (!p) return null;
    const tape = run.tapes[p[2]];
    forward(tape, run.w, p[0], p[1], true);
    backward(tape, 1.0, null);
    return { p, tape };
  }
  function drawGraph() {
    const pass = pickedPass();
    $("graph-title").textContent = pass
      ? "the graph of point (" + number(pass.p[0]) + ", " + number(pass.p[1]) + "), class " + pass.p[2] + " (" + run.picked.set + " set)"
      : "the picked point's graph: pick a point on the plane";
    for (const b of graphView.boxes) {
      const k = pass && (b.node < 0 ? pass.tape.loss : b.node);
      b.value.textContent = pass ? number(pass.tape.values[k]) : "";
      b.grad.textContent = pass ? number(pass.tape.grads[k]) : "";
      b.g.classList.toggle("open", b.unit !== null && b.unit === openUnit);
      if (b.unit !== null) {
        b.g.setAttribute("aria-expanded", String(b.unit === openUnit));
        b.g.setAttribute("aria-label", boxName(b));
      }
    }
    drawInside(pass);
  }
  // An opened neuron: each of its nodes with its operation, value, local gradients and gradient.
  function drawInside(pass) {
    const inside = $("inside");
    if (!pass || openUnit === null || openUnit >= pass.tape.units.length) { inside.replaceChildren(); return; }
    const t = pass.tape, u = t.units[openUnit], rows = [];
    const name = (k) => t.name[k] || "(" + t.op[k] + " #" + k + ")";
    for (let k = u.first; k <= u.out; k++) {
      if (t.op[k] === null || t.unit[k] !== openUnit) continue;
      const operands = [t.a[k], t.b[k]].filter((q) => q >= 0);
      const locals = operands.map((q, i) => "∂/∂" + name(q) + " = " + number(t.locals[2 * k + i])).join("; ");
      rows.push([name(k), t.op[k] + "(" + operands.map(name).join(", ") + ")", number(t.values[k]), locals, number(t.grads[k])]);
    }
    for (const i of u.params) rows.push([run.net.labels[i], "parameter", number(run.w[i]), "", number(t.grads[t.params[i]])]);
    const table = document.createElement("table");
    const head = table.insertRow();
    for (const text of ["node", "operation", "value", "local gradients", "∂Lᵢ/∂node"]) head.append(Object.assign(document.createElement("th"), { textContent: text }));
    for (const row of rows) {
      const tr = table.insertRow();
      row.forEach((text) => { tr.insertCell().textContent = text; });
    }
    const caption = document.createElement("caption");
    caption.textContent = "inside " + t.name[u.out] + " (click its box again to close)";
    table.prepend(caption);
    // Where the window is narrow (a phone) the table scrolls sideways inside its panel: a region the
    // keyboard can reach and scroll (its arrows are its own, not a step), named by its caption. It stays
    // from frame to frame, so that it keeps the focus and its scroll while the network trains.
    let region = inside.querySelector(".inside-table");
    if (!region) {
      region = Object.assign(document.createElement("div"), { className: "inside-table", tabIndex: 0 });
      region.setAttribute("role", "region");
      region.addEventListener("keydown", (e) => { if (e.key.startsWith("Arrow")) e.stopPropagation(); });
      inside.replaceChildren(region);
    }
    region.setAttribute("aria-label", caption.textContent);
    region.replaceChildren(table);
  }

  // The chosen weight's last update written out as nn.optim_explain writes it (6 significant digits, as
  // every view writes numbers: 6.75142e−6): with weight decay λ the step is along (∂L/∂w + λ·w), bracketed.
  const n6 = (x) => number(x, 6);
  const f6 = (x) => (x < 0 ? "(" + n6(x) + ")" : n6(x));
  function updateText() {
    const r = run.last, s = run.s, w = run.net.labels[run.watch];
    if (!r) return "No step yet: press step or play.";
    const wd = s.weight_decay;
    const grad = wd ? "(∂L/∂" + w + " + λ·" + w + ")" : "∂L/∂" + w;
    const g = wd ? "(" + f6(r.grad) + " + " + f6(wd) + " · " + f6(r.before) + ")" : f6(r.g);
    const lines = ["step " + run.step + ", on a batch of " + r.batch + "; ∂L/∂" + w + " = " + n6(r.grad) + " (the batch's mean)"];
    if (s.optimizer === "adam") {
      const t = r.t, b1 = s.beta1, b2 = s.beta2;
      const mHat = r.mNew / (1 - Math.pow(b1, t)), vHat = r.vNew / (1 - Math.pow(b2, t));
      const square = (wd ? grad : "(" + grad + ")") + "²";
      lines.push(
        "m = β₁·m + (1 − β₁)·" + grad + " = " + f6(b1) + " · " + f6(r.m) + " + " + f6(1 - b1) + " · " + g + " = " + n6(r.mNew),
        "v = β₂·v + (1 − β₂)·" + square + " = " + f6(b2) + " · " + f6(r.v) + " + " + f6(1 - b2) + " · " + g + "² = " + n6(r.vNew),
        "m̂ = m/(1 − β₁^t) = " + f6(r.mNew) + "/(1 − " + f6(b1) + "^" + t + ") = " + n6(mHat),
        "v̂ = v/(1 − β₂^t) = " + f6(r.vNew) + "/(1 − " + f6(b2) + "^" + t + ") = " + n6(vHat),
        w + " ← " + w + " − η·m̂/(√v̂ + ε) = " + f6(r.before) + " − " + f6(s.lr) + " · " + f6(mHat) + "/(√" + f6(vHat) + " + " + f6(s.eps) + ") = " + n6(r.after));
    } else if (s.optimizer === "momentum" && s.momentum) {
      lines.push(
        "Δ" + w + "(t) = −η·" + grad + " + α·Δ" + w + "(t − 1) = −" + f6(s.lr) + " · " + g + " + " + f6(s.momentum) + " · " + f6(r.velocity) + " = " + n6(r.change),
        w + " ← " + w + " + Δ" + w + "(t) = " + f6(r.before) + " + " + f6(r.change) + " = " + n6(r.after));
    } else {
      lines.push(w + " ← " + w + " − η·" + grad + " = " + f6(r.before) + " − " + f6(s.lr) + " · " + g + " = " + n6(r.after));
    }
    return lines.join("\n");
  }

  function statusText() {
    const sc = run.score, pct = (x) => (100 * x).toFixed(1) + "%";
    // Three significant digits, the page's writer (0.00192 beside 0.00056, not 5.6e−4 as on the axis)
    const loss = (x) => (Number.isFinite(x) ? number(x, 3) : "not a number (overflow)");
    let text = "step " + run.step + " · epoch " + run.epoch;
    if (sc.train) text += " · train loss " + loss(sc.train.loss) + ", accuracy " + pct(sc.train.accuracy);
    if (sc.test) text += " · test loss " + loss(sc.test.loss) + ", accuracy " + pct(sc.test.accuracy);
    return text;
  }

  // Every ReLU of a layer off for every training point: said once, while it lasts.
  function stuckText() {
    const off = run.off || [];
    if (!off.length) return "";
    const layers = off.length === 1 ? "layer " + off[0] : "layers " + off.slice(0, -1).join(", ") + " and " + off[off.length - 1];
    return "Every ReLU of " + layers + " is 0 for every training point: no gradient passes back through " + (off.length === 1 ? "it" : "them") +
      ", and every point gets the same output. Try a smaller learning rate, then reset.";
  }

  // The texts first: the canvases take the room they leave.
  function draw() {
    $("update").textContent = updateText();
    $("status").textContent = statusText();
    $("error").textContent = run.diverged || "";
    $("error").hidden = !run.diverged;
    const stuck = stuckText();
    if ($("stuck").textContent !== stuck) $("stuck").textContent = stuck;
    $("stuck").hidden = !stuck;
    drawPlane();
    drawCurve();
    drawNetwork();
    drawGraph();
  }
