/* The graphs' browser side: the camera follows every change, labels read at every zoom, hover shows a
   node's neighbourhood, selection, the fit buttons. Positions come from the server (a function of the
   URL); only the camera moves here. Works on every Cytoscape of the page (the Graph tab's and the
   SPARQL tab's drawing). */
window.dash_clientside = window.dash_clientside || {};
(function () {
  const PX = {node: 10, role: 13, seed: 14, strong: 12, edge: 10};  // a label's size on screen
  const WRAP = 110;  // px on screen a node's label wraps at
  const PAD = 24;  // px round a fitted view
  const MIN_FIT_ZOOM = 0.12;  // below this a whole view no longer reads: fit what changed instead
  const SETTLE_MS = 60;  // a redraw's add/remove/position events come in one burst: act after it

  function cyOf(id) {
    const el = document.getElementById(id || 'cy');
    return el && el._cyreg && el._cyreg.cy;
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

  /* Every label PX on screen whatever the zoom: font sizes set per zoom (a bypass, not the sheet). */
  function sizeLabels(cy) {
    const z = cy.zoom();
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

  /* Each label goes on the first side of its node where it covers no label of higher priority (its
     own side first: away from its links); a label with no free side is hidden, and shows on hover
     and when zoomed in. Labels off the canvas take no room. Greedy by priority over a grid. */
  function declutter(cy) {
    const z = cy.zoom();
    const ext = cy.extent();
    const m = 4 / z;
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
    const free = bb => !cellsOf(bb).some(k => (grid.get(k) || []).some(b => overlaps(b, bb)));
    cy.nodes().toArray().sort(byPriority).forEach(n => {
      const bb = n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false});
      if (!bb.w) { return; }
      const own = Object.keys(FIRST_SIDE).find(c => n.hasClass(c));
      const order = [...new Set([own ? FIRST_SIDE[own] : 'below', ...ORDER])];
      let chosen = null;
      let box = null;
      for (const side of order) {
        const b = sideBox(n, side, bb.w, bb.h, m);
        const g = 2 / z;  // 2 px on screen between two labels
        box = {x1: b.x1 - g, x2: b.x2 + g, y1: b.y1 - g, y2: b.y2 + g};
        if (box.x2 < ext.x1 || box.x1 > ext.x2 || box.y2 < ext.y1 || box.y1 > ext.y2) { chosen = side; break; }
        if (free(box)) { chosen = side; break; }
      }
      if (!chosen) { off.push(n); return; }
      cellsOf(box).forEach(k => { if (!grid.has(k)) { grid.set(k, []); } grid.get(k).push(box); });
      placed.push([n, chosen]);
    });
    cy.batch(() => {
      placed.forEach(([n, side]) => {
        const [v, hz, mx, my] = SIDES[side];
        n.removeClass('lbl-off');
        n.style({'text-valign': v, 'text-halign': hz, 'text-margin-x': mx * m, 'text-margin-y': my * m});
      });
      cy.collection(off).addClass('lbl-off');
    });
  }

  function relabel(cy) {
    sizeLabels(cy);
    declutter(cy);
    cy._akgLabelledAt = Date.now();
  }

  function fitZoom(cy, eles) {
    const bb = eles.boundingBox({includeLabels: false, includeOverlays: false});
    const padX = cy.width() < 500 ? 2 * PAD : PAD;  // a phone: room for the labels of nodes at the edges
    return Math.min((cy.width() - 2 * padX) / Math.max(bb.w, 1), (cy.height() - 2 * PAD) / Math.max(bb.h, 1));
  }

  /* Animate the camera to `eles` (never beyond the readable maximum zoom); labels follow at the end. */
  function fitTo(cy, eles, instant) {
    if (!eles || !eles.length) { return; }
    cy.stop(true, false);
    const zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), fitZoom(cy, eles)));
    const bb = eles.boundingBox({includeLabels: false, includeOverlays: false});
    const pan = {x: cy.width() / 2 - zoom * (bb.x1 + bb.w / 2), y: cy.height() / 2 - zoom * (bb.y1 + bb.h / 2)};
    cy._akgMoving = true;
    const done = () => { cy._akgMoving = false; relabel(cy); };
    if (instant) {
      cy.viewport({zoom: zoom, pan: pan});
      done();
      return;
    }
    cy.animate({zoom: zoom, pan: pan}, {duration: 320, easing: 'ease-in-out-cubic', complete: done});
  }

  function snapshot(cy) {
    const m = new Map();
    cy.nodes().forEach(n => { const p = n.position(); m.set(n.id(), Math.round(p.x) + ',' + Math.round(p.y)); });
    return m;
  }

  /* After a redraw: fit what the user asked for: the whole view when it reads at its fitted zoom,
     else what the change added or moved (a searched node: its neighbourhood). */
  function follow(cy) {
    const box = cy.container();
    if (box && (box.clientWidth !== cy.width() || box.clientHeight !== cy.height())) {
      cy.resize();  // a canvas shown with its first drawing (the SPARQL tab's) had no size yet
    }
    if (cy.width() < 10 || cy.height() < 10) { return; }  // hidden: fit once it shows
    const before = cy._akgSeen || new Map();
    const now = snapshot(cy);
    const changed = cy.nodes().filter(n => before.get(n.id()) !== now.get(n.id()));
    const removed = [...before.keys()].some(k => !now.has(k));
    cy._akgSeen = now;
    const wanted = cy._akgZoom && Date.now() < cy._akgZoomUntil ? cy.getElementById(cy._akgZoom) : null;
    if (wanted && wanted.length) {  // a searched node: the whole view when it reads, else its neighbourhood
      cy._akgZoom = null;
      fitTo(cy, fitZoom(cy, cy.elements()) < MIN_FIT_ZOOM ? wanted.closedNeighborhood() : cy.elements());
      return;
    }
    if (!changed.length && !removed) { relabel(cy); return; }
    let target = cy.elements();
    if (fitZoom(cy, target) < MIN_FIT_ZOOM && changed.length && changed.length < cy.nodes().length) {
      target = changed.closedNeighborhood();
    }
    fitTo(cy, target);
  }

  function schedule(cy) {
    clearTimeout(cy._akgFollow);
    cy._akgFollow_pending = true;
    cy._akgFollow = setTimeout(() => { cy._akgFollow_pending = false; follow(cy); }, SETTLE_MS);
  }

  function hover(cy, n, on) {
    cy.batch(() => {
      if (!on) {
        cy.elements('.hover, .hl, .faded').removeClass('hover hl faded');
        return;
      }
      const near = n.closedNeighborhood();
      n.addClass('hover');
      near.addClass('hl');
      cy.elements().not(near).addClass('faded');
    });
  }

  /* Listeners once per Cytoscape instance (Dash may build the SPARQL tab's later). */
  function attach(cy) {
    if (cy._akgAttached) { return; }
    cy._akgAttached = true;
    cy.on('add remove', () => schedule(cy));
    cy.on('position', 'node', e => { if (!cy._akgDrag) { schedule(cy); } });
    cy.on('grab', 'node', () => { cy._akgDrag = true; });
    cy.on('free', 'node', () => { cy._akgDrag = false; cy._akgSeen = snapshot(cy); });
    let frame = null;
    let idle = null;
    cy.on('viewport', () => {
      if (!frame) { frame = requestAnimationFrame(() => { frame = null; sizeLabels(cy); }); }
      clearTimeout(idle);
      idle = setTimeout(() => { if (!cy.animated()) { relabel(cy); } }, 90);
    });
    cy.on('resize', () => schedule(cy));
    cy.on('mouseover', 'node', e => hover(cy, e.target, true));
    cy.on('mouseout', 'node', e => hover(cy, e.target, false));
    cy.container().addEventListener('mouseleave', () => hover(cy, null, false));  // left the canvas
    cy.on('mouseover', 'edge', e => e.target.addClass('hover'));
    cy.on('mouseout', 'edge', e => e.target.removeClass('hover'));
    cy.on('select unselect', 'node', () => { cy._akgSizedAt = null; relabel(cy); });
    if (cy.nodes().length) { schedule(cy); }
  }

  setInterval(() => ['cy', 'q-cy'].forEach(id => { const cy = cyOf(id); if (cy) { attach(cy); } }), 250);

  /* Whether a graph's camera and labels are at rest (tests wait on it). */
  window.akgSettled = function (id) {
    const cy = cyOf(id);
    return !!cy && !cy.animated() && !cy._akgMoving && cy._akgLabelledAt > 0 &&
      Date.now() - cy._akgLabelledAt > 50 && !document.querySelector('.busy') &&
      !cy._akgFollow_pending;
  };

  /* Fit and zoom-to-selection buttons; the intro's dismissal remembered in this browser. */
  document.addEventListener('click', e => {
    const b = e.target.closest && e.target.closest('button');
    if (!b) { return; }
    const cy = cyOf('cy');
    if (b.id === 'fit-view' && cy) { fitTo(cy, cy.elements()); }
    if (b.id === 'zoom-selection' && cy) { fitTo(cy, cy.$('node:selected').closedNeighborhood()); }
    if (b.id === 'intro-close') {
      try { localStorage.setItem('akg-intro-dismissed', '1'); } catch (err) { /* private mode */ }
      document.documentElement.classList.add('intro-dismissed');
      const cy2 = cyOf('cy'); if (cy2) { setTimeout(() => cy2.resize(), 30); }
    }
    if (b.classList.contains('path-choice') && cy) {  // one path of the finder's list, on its own
      document.querySelectorAll('.path-choice').forEach(o => {
        o.classList.toggle('chosen', o === b);
        o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
      });
      const ids = (b.dataset.nodes + ' ' + b.dataset.links).split(' ').filter(Boolean);
      const chosen = cy.collection(ids.map(id => cy.getElementById(id)).filter(e => e.length));
      cy.batch(() => {
        cy.elements('.chosen, .unchosen').removeClass('chosen unchosen');
        chosen.addClass('chosen');
        cy.elements('.path').not(chosen).addClass('unchosen');
      });
      cy._akgSizedAt = null;
      fitTo(cy, chosen);
    }
    if (b.classList.contains('panel-toggle')) {
      const panel = document.getElementById(b.getAttribute('aria-controls'));
      if (panel) {
        const open = panel.classList.toggle('collapsed') === false;
        b.setAttribute('aria-expanded', open ? 'true' : 'false');
        if (cy) { setTimeout(() => { cy.resize(); }, 30); }
      }
    }
  });
  try {
    if (localStorage.getItem('akg-intro-dismissed')) {
      document.documentElement.classList.add('intro-dismissed');
    }
  } catch (err) { /* private mode */ }

  window.dash_clientside.akg = {
    /* Clicking a kind in the legend hides or shows it (the kinds checklist follows); a redraw that
       brings new legend buttons (no click) changes nothing. */
    toggleKind: function (clicks, kinds, options) {
      const none = window.dash_clientside.no_update;
      const trig = window.dash_clientside.callback_context.triggered || [];
      if (!trig.length || !trig.some(t => t.value)) { return none; }
      let id;
      try { id = JSON.parse(trig[0].prop_id.split('.n_clicks')[0]); } catch (e) { return none; }
      const every = (options || []).map(o => (o && o.value !== undefined ? o.value : o));
      const shown = Array.isArray(kinds) ? kinds : every;
      return shown.includes(id.kind) ? shown.filter(k => k !== id.kind) : shown.concat([id.kind]);
    },
    /* Actions that need a selected node are off until there is one. */
    needsSelection: function (selected) {
      const off = !selected;
      return [off, off, off, off];
    },
    select: function (selected, elements, zoomTo) {
      const cy = cyOf('cy');
      const none = window.dash_clientside.no_update;
      if (!cy) { return none; }
      attach(cy);
      schedule(cy);  // a redraw may only change classes: labels again
      const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id);
      if (trig.includes('zoom-to.data') && zoomTo) {  // a searched node: fitted with its neighbours
        cy._akgZoom = zoomTo;
        cy._akgZoomUntil = Date.now() + 5000;
        schedule(cy);
      }
      cy.elements('.near').removeClass('near');
      if (!selected) { return none; }
      const node = cy.getElementById(selected);
      if (!node || !node.length) { return none; }
      cy.nodes(':selected').unselect();
      node.select();
      node.closedNeighborhood().addClass('near');  // its links labelled
      setTimeout(() => {  // after the camera settled: centre a selected node out of sight
        if (cy.animated() || cy._akgZoom) { return; }
        const p = node.renderedPosition();
        if (p.x < 20 || p.y < 20 || p.x > cy.width() - 20 || p.y > cy.height() - 20) {
          cy.animate({center: {eles: node}, duration: 250});
        }
      }, 500);
      return none;
    },
  };
})();

/* The neighbour groups of the detail panel open one at a time. */
document.addEventListener('toggle', e => {
  const d = e.target;
  if (!d.classList || !d.classList.contains('nb-group') || !d.open) { return; }
  document.querySelectorAll('#detail details.nb-group[open]').forEach(o => { if (o !== d) { o.open = false; } });
}, true);
