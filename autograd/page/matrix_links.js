// chainrule's page: the matrix form's links to the graph. An entry clicked lights the nodes it is made of
// (and the nodes and edges between them) and brings them into the graph's pane; see matrix_view.js.
// The nodes between linked ones: on a path from one of them to another (the products and sums an entry
// adds up), so that their edges light up too.
function between(g, nodes) {
  if (!g.users) {
    g.users = g.nodes.map(() => []);
    g.nodes.forEach((node, u) => node.parents.forEach((p) => g.users[p].push(u)));
  }
  const reach = (next) => {
    const seen = new Set(nodes), stack = nodes.slice();
    while (stack.length) for (const j of next(stack.pop())) if (!seen.has(j)) { seen.add(j); stack.push(j); }
    return seen;
  };
  const up = reach((k) => g.nodes[k].parents), down = reach((k) => g.users[k]);
  return new Set(Array.from(up).filter((k) => down.has(k)));
}

// A click on an entry: its node selected (the side panel shows it) and what it is made of lit in the graph.
function linkEntry(entry) {
  const link = { entry: entry, nodes: entry.links };
  if (entry.node !== null) select(entry.node, link);
  else {
    view.matrixLink = link;
    update();
    showLinked(link);
  }
}

// The linked nodes in the pane: all of them where they fit, else the entry's own node (or its first link)
// with as many of the others as the pane holds.
function showLinked(link) {
  const groups = link.nodes.map((k) => view.shapes[k].group).filter(Boolean);
  const own = link.entry.node !== null && view.shapes[link.entry.node].group;
  showNodes(groups, own || groups[0], true);
}

// The graph's nodes and edges an entry is made of, lit (class "linked"), on the picture shown.
function drawLinks() {
  for (const old of document.querySelectorAll("#graphs .linked")) old.classList.remove("linked");
  const link = matrixShown() && view.matrixLink;
  if (!link || link.nodes.length === 0) return;
  const lit = between(view.g, link.nodes), named = new Set(link.nodes);
  view.shapes.forEach((shape, k) => { if (shape.group && named.has(k)) shape.group.classList.add("linked"); });
  for (const group of view.container.querySelectorAll("g.edge")) {
    const m = /-(?:edge-(\d+)-(\d+)-\d+|arrow-(\d+)-(\d+))$/.exec(group.id);
    if (!m) continue;
    const tail = Number(m[1] ?? m[3]), head = Number(m[2] ?? m[4]);
    if (lit.has(tail) && lit.has(head)) group.classList.add("linked");
  }
}
