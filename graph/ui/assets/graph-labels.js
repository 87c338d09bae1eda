/* Labels and badges on a graph's canvas (graph.js places the camera, then calls these): every label
   a fixed size on screen whatever the zoom; each node's name on the first side of its node where it
   covers no other node and no label of higher priority; a link's label along its link where it
   covers nothing; a "+N" badge on a free corner of its node. Loaded before graph.js (its name sorts
   first, and the first view's page asks for it first: graph/ui/first_paint.py). */
window.akgLabels = (function () {
  const PX = {node: 10, role: 13, seed: 14, strong: 12, edge: 10};  // a label's size on screen
  const WRAP = 110;  // px on screen a node's label wraps at

  /* Our own class changes (labels, hover, selection, the chosen path): a redraw's are the server's,
     which the 'class' listener acts on (attach). */
  function own(cy, fn) {
    cy._akgOwn = (cy._akgOwn || 0) + 1;
    try { fn(); } finally { cy._akgOwn -= 1; }
  }

  /* Label priority: seeds and focus, the selection, the path, roles, then the best connected. */
  function rank(n) {
    if (n.hasClass('seed')) { return 0; }
    if (n.selected()) { return 1; }
    if (n.hasClass('chosen') || n.hasClass('path')) { return 2; }
    if (n.hasClass('k-Role')) { return 3; }
    return 4;
  }

  function byPriority(a, b) {
    return rank(a) - rank(b) || (b.data('degree') || 0) - (a.data('degree') || 0) ||
      (a.id() < b.id() ? -1 : a.id() > b.id() ? 1 : 0);
  }

  /* Every label PX on screen whatever the zoom: font sizes set per zoom (a bypass, not the sheet);
     for zoom `at` when given (the end of a camera move: its frames then restyle nothing). */
  function sizeLabels(cy, at) {
    const z = at || cy.zoom();
    if (cy._akgSizedAt === z && cy._akgSizedN === cy.elements().length) { return; }
    cy._akgSizedAt = z;
    cy._akgSizedN = cy.elements().length;
    cy.startBatch();
    cy.nodes().style({'font-size': PX.node / z, 'text-max-width': WRAP / z, 'min-zoomed-font-size': 0});
    cy.nodes('.k-Role').style({'font-size': PX.role / z, 'text-max-width': 1.3 * WRAP / z});
    cy.nodes('.path, :selected').style('font-size', PX.strong / z);
    cy.nodes('.seed').style('font-size', PX.seed / z);
    cy.edges().style({'font-size': PX.edge / z, 'min-zoomed-font-size': 0});
    cy.endBatch();
  }

  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }

  const SIDES = {  // where a label can go round its node: [valign, halign], margin direction [x, y]
    below: ['bottom', 'center', 0, 1], above: ['top', 'center', 0, -1],
    right: ['center', 'right', 1, 0], left: ['center', 'left', -1, 0],
    'below-right': ['bottom', 'right', 0, 0], 'below-left': ['bottom', 'left', 0, 0],
    'above-right': ['top', 'right', 0, 0], 'above-left': ['top', 'left', 0, 0],
  };
  const ORDER = ['below', 'above', 'right', 'left', 'below-right', 'below-left', 'above-right', 'above-left'];
  const FIRST_SIDE = {'lbl-t': 'above', 'lbl-l': 'left', 'lbl-r': 'right'};

  /* The box a label of w x h takes on `side` of node n (model coordinates, margin m). */
  function sideBox(n, side, w, h, m) {
    const p = n.position();
    const [v, hz, mx, my] = SIDES[side];
    const hw = n.width() / 2, hh = n.height() / 2;
    let x1, y1;
    if (hz === 'center') { x1 = p.x - w / 2; } else if (hz === 'right') { x1 = p.x + hw + mx * m; } else { x1 = p.x - hw - w + mx * m; }
    if (v === 'center') { y1 = p.y - h / 2; } else if (v === 'bottom') { y1 = p.y + hh + my * m; } else { y1 = p.y - hh - h + my * m; }
    return {x1: x1, x2: x1 + w, y1: y1, y2: y1 + h};
  }

  /* Whether two convex polygons (lists of {x, y}) overlap: no separating axis among their sides. */
  function crosses(P, Q) {
    for (const poly of [P, Q]) {
      for (let i = 0; i < poly.length; i++) {
        const a = poly[i], b = poly[(i + 1) % poly.length];
        const ax = a.y - b.y, ay = b.x - a.x;
        const span = R => {  // the polygon's shadow on the side's normal
          const d = R.map(p => p.x * ax + p.y * ay);
          return [Math.min(...d), Math.max(...d)];
        };
        const [p1, p2] = span(P), [q1, q2] = span(Q);
        if (p2 <= q1 || q2 <= p1) { return false; }
      }
    }
    return true;
  }

  const ALL = {};  // declutter's free(): a label that may cover any node

  const corners = b => [{x: b.x1, y: b.y1}, {x: b.x2, y: b.y1}, {x: b.x2, y: b.y2}, {x: b.x1, y: b.y2}];

  /* Two boxes on the canvas cover each other (an edge's label is a turned box: its polygon decides). */
  function covers(a, b) {
    return overlaps(a, b) && (!a.poly && !b.poly || crosses(a.poly || corners(a), b.poly || corners(b)));
  }

  /* The box an edge's label takes, as Cytoscape draws it turned along the edge at its midpoint (model
     coordinates, g round it): its polygon and that polygon's bounds; null without a label. */
  function edgeLabelBox(e, ctx, g) {
    const text = e.style('label');
    if (!text) { return null; }
    const s = e.sourceEndpoint(), t = e.targetEndpoint(), c = e.midpoint();
    const size = parseFloat(e.style('font-size')), pad = parseFloat(e.style('text-background-padding')) || 0;
    ctx.font = e.style('font-style') + ' ' + e.style('font-weight') + ' ' + size + 'px ' + e.style('font-family');
    const w = Math.ceil(ctx.measureText(text).width) + 2 * (pad + g), h = size + 2 * (pad + g);
    const a = Math.atan2(t.y - s.y, t.x - s.x), ux = Math.cos(a), uy = Math.sin(a);
    const poly = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([i, j]) =>
      ({x: c.x + i * ux * w / 2 - j * uy * h / 2, y: c.y + i * uy * w / 2 + j * ux * h / 2}));
    const xs = poly.map(p => p.x), ys = poly.map(p => p.y);
    return {x1: Math.min(...xs), x2: Math.max(...xs), y1: Math.min(...ys), y2: Math.max(...ys), poly: poly};
  }

  /* Each label goes on the first side of its node where it covers no node and no label of higher
     priority (its own side first: away from its links); a label with no free side is hidden, and shows
     on hover and when zoomed in. Labels off the canvas take no room. Greedy by priority over a grid:
     the nodes first, the labels of the path's and the selected links, the nodes' labels, the badges,
     then the other links' labels. A link's label covers nothing, or shows on hover. */
  function declutter(cy) {
    const z = cy.zoom();
    const ext = cy.extent();
    const m = 4 / z;
    const g = 2 / z;  // 2 px on screen between two labels
    const cell = 120 / z;
    const grid = new Map();
    const off = [];
    const placed = [];
    const cellsOf = bb => {
      const keys = [];
      for (let i = Math.floor(bb.x1 / cell); i <= Math.floor(bb.x2 / cell); i++) {
        for (let j = Math.floor(bb.y1 / cell); j <= Math.floor(bb.y2 / cell); j++) { keys.push(i + ',' + j); }
      }
      return keys;
    };
    // a box is free of everything taken but the body of its own node `who` (of every node: ALL)
    const free = (bb, who) => !cellsOf(bb).some(k => (grid.get(k) || []).some(b =>
      !(b.body && (who === ALL || b.body === who)) && covers(b, bb)));
    const under = (bb, who) => new Set(cellsOf(bb).flatMap(k => (grid.get(k) || [])
      .filter(b => b.body && b.body !== who && covers(b, bb)).map(b => b.body))).size;  // nodes it covers
    const take = box => cellsOf(box).forEach(k => { if (!grid.has(k)) { grid.set(k, []); } grid.get(k).push(box); });
    const outside = b => b.x2 < ext.x1 || b.x1 > ext.x2 || b.y2 < ext.y1 || b.y1 > ext.y2;
    const cut = b => b.x1 < ext.x1 || b.x2 > ext.x2 || b.y1 < ext.y1 || b.y2 > ext.y2;
    cy.nodes().forEach(n => {  // no label over another node
      if (!n.visible()) { return; }
      const p = n.position(), hw = n.outerWidth() / 2, hh = n.outerHeight() / 2;
      take({x1: p.x - hw, x2: p.x + hw, y1: p.y - hh, y2: p.y + hh, body: n.id()});
    });
    const ctx = badgeLayer(cy).getContext('2d');
    const links = cy.edges().filter(e => e.visible() && e.style('label')).toArray().sort(byLink);
    const isStrong = e => e.hasClass('path') || e.selected();
    const hidden = [];
    const placeLink = e => {  // a link's label where it covers nothing taken, else on hover
      const b = edgeLabelBox(e, ctx, g);
      if (!b || outside(b)) { return; }
      if (cut(b) || !free(b)) { hidden.push(e); return; }
      take(b);
    };
    links.filter(isStrong).forEach(placeLink);
    cy.nodes().toArray().sort(byPriority).forEach(n => {
      const bb = n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false});
      if (!bb.w) { return; }
      const own = Object.keys(FIRST_SIDE).find(c => n.hasClass(c));
      const order = [...new Set([own ? FIRST_SIDE[own] : 'below', ...ORDER])];
      let chosen = null;
      let box = null;
      const boxOn = side => {
        const b = sideBox(n, side, bb.w, bb.h, m);
        return {x1: b.x1 - g, x2: b.x2 + g, y1: b.y1 - g, y2: b.y2 + g};
      };
      for (const side of order) {
        box = boxOn(side);
        if (outside(box)) { chosen = side; break; }
        if (!cut(box) && free(box, n.id())) { chosen = side; break; }  // never across the canvas edge
      }
      if (!chosen && rank(n) <= 3) {  // a seed's, the selection's, the path's, a role's name: over fewest nodes
        let fewest = Infinity;
        for (const side of order) {
          const b = boxOn(side);
          if (cut(b) || !free(b, ALL)) { continue; }
          const k = under(b, n.id());
          if (k < fewest) { fewest = k; chosen = side; box = b; }
        }
      }
      if (!chosen) { off.push(n); return; }
      take(box);
      placed.push([n, chosen]);
    });
    own(cy, () => cy.batch(() => {
      placed.forEach(([n, side]) => {
        const [v, hz, mx, my] = SIDES[side];
        n.removeClass('lbl-off');
        n.style({'text-valign': v, 'text-halign': hz, 'text-margin-x': mx * m, 'text-margin-y': my * m});
      });
      cy.collection(off).addClass('lbl-off');
    }));
    // then each badge on a corner of its node that no other node, label nor badge covers, inside the canvas
    const pan = cy.pan();
    ctx.font = 'bold ' + BADGE.font + 'px sans-serif';
    const W = cy.width(), H = cy.height();
    cy.nodes('[left > 0]').not('.dim').toArray().sort(byPriority).forEach(n => {
      const w = badgeWidth(ctx, '+' + n.data('left'));
      let model = null;  // the badge's box on a corner, in model coordinates; null across the canvas edge
      const on = c => {
        const b = badgeBox(n, c, w);
        if (b.x1 < 0 || b.y1 < 0 || b.x2 > W || b.y2 > H) { return null; }
        return {x1: (b.x1 - pan.x) / z, x2: (b.x2 - pan.x) / z, y1: (b.y1 - pan.y) / z, y2: (b.y2 - pan.y) / z};
      };
      const corner = Object.keys(CORNERS).find(c => (model = on(c)) && free(model, n.id()));
      if (corner) { take(model); }
      n.scratch('_akgBadge', corner || null);
    });
    // the other links' labels last, each where it covers no node, label nor badge (else on hover)
    links.filter(e => !isStrong(e)).forEach(placeLink);
    own(cy, () => cy.batch(() => {
      cy.edges('.lbl-off').removeClass('lbl-off');
      cy.collection(hidden).addClass('lbl-off');
    }));
  }

  /* Links' labels by priority: the selected node's links, the essential ones, then by id. */
  function byLink(a, b) {
    return (b.hasClass('near') - a.hasClass('near')) || (b.hasClass('essential') - a.hasClass('essential')) ||
      (a.id() < b.id() ? -1 : a.id() > b.id() ? 1 : 0);
  }

  /* Badges: how many neighbours a node has left to draw (data.left, counted by the server from the
     entity graph), a small dark pill at the node's top right, BADGE px on screen at every zoom. Drawn
     on a canvas of their own over Cytoscape's, after each of its frames: they never change a node's
     or a label's box. */
  const BADGE = {font: 10, h: 13, pad: 3};
  const CORNERS = {tr: [1, -1], tl: [-1, -1], br: [1, 1], bl: [-1, 1]};  // where a badge may sit

  /* A node's badge box on `corner` of its node, in px on the canvas: on the node's edge, and never
     over more than that corner's quarter of it (a node drawn smaller than its badge stays in sight). */
  function badgeBox(n, corner, w) {
    const p = n.renderedPosition();
    const [sx, sy] = CORNERS[corner];
    const cx = p.x + sx * Math.max(0.7 * n.renderedWidth() / 2, w / 2);
    const cy = p.y + sy * Math.max(0.7 * n.renderedHeight() / 2, BADGE.h / 2);
    return {x1: cx - w / 2, x2: cx + w / 2, y1: cy - BADGE.h / 2, y2: cy + BADGE.h / 2};
  }

  function badgeWidth(ctx, text) {
    return Math.ceil(ctx.measureText(text).width) + 2 * BADGE.pad;
  }

  /* The badges to draw: each on the corner the labels left free (declutter), the one under the
     pointer always; a badge with no free corner waits for hover or a closer zoom. */
  function badgeBoxes(cy) {
    const out = [];
    const ctx = badgeLayer(cy).getContext('2d');
    ctx.font = 'bold ' + BADGE.font + 'px sans-serif';
    cy.nodes('[left > 0]').forEach(n => {
      if (!n.visible() || n.hasClass('dim')) { return; }  // off the path: its count would be a smudge
      let corner = n.scratch('_akgBadge');
      if (corner === null && n.hasClass('hover')) { corner = 'tr'; }
      if (corner === null) { return; }
      const text = '+' + n.data('left');
      const b = badgeBox(n, corner || 'tr', badgeWidth(ctx, text));
      out.push(Object.assign(b, {id: n.id(), text: text,
        alpha: n.hasClass('faded') ? 0.25 : 1}));
    });
    return out;
  }

  function badgeLayer(cy) {
    let c = cy._akgBadges;
    if (!c || !c.isConnected) {
      c = document.createElement('canvas');
      c.className = 'akg-badges';
      c.setAttribute('aria-hidden', 'true');
      cy.container().appendChild(c);
      cy._akgBadges = c;
    }
    return c;
  }

  function drawBadges(cy) {
    const c = badgeLayer(cy);
    const w = cy.width(), h = cy.height(), r = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * r) || c.height !== Math.round(h * r)) {
      c.width = Math.round(w * r); c.height = Math.round(h * r);
      c.style.width = w + 'px'; c.style.height = h + 'px';
    }
    const ctx = c.getContext('2d');
    ctx.setTransform(r, 0, 0, r, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const boxes = badgeBoxes(cy).filter(b => b.x2 > 0 && b.y2 > 0 && b.x1 < w && b.y1 < h);
    ctx.font = 'bold ' + BADGE.font + 'px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    boxes.forEach(b => {
      ctx.globalAlpha = b.alpha;
      ctx.beginPath();
      ctx.roundRect(b.x1, b.y1, b.x2 - b.x1, BADGE.h, BADGE.h / 2);
      ctx.fillStyle = '#263238';
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      ctx.fillStyle = '#ffffff';
      ctx.fillText(b.text, (b.x1 + b.x2) / 2, b.y1 + BADGE.h / 2 + 0.5);
    });
    ctx.globalAlpha = 1;
    cy._akgBadgeList = boxes;
  }

  return {own: own, rank: rank, FIRST_SIDE: FIRST_SIDE, sizeLabels: sizeLabels, declutter: declutter,
    drawBadges: drawBadges};
})();
