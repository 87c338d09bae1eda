/* The graphs' browser side: the camera follows every change, labels read at every zoom (placed by
   graph-labels.js), hover shows a node's neighbourhood, selection, the fit buttons. Positions come
   from the server (a function of the URL); only the camera moves here. Works on every Cytoscape of
   the page (the Graph tab's and the SPARQL tab's drawing). */
window.dash_clientside = window.dash_clientside || {};
(function () {
  const {own, rank, FIRST_SIDE, sizeLabels, declutter, drawBadges} = window.akgLabels;  // graph-labels.js
  const PAD = 24;  // px round a fitted view
  const MIN_FIT_ZOOM = 0.12;
  const LABEL_FIT = 0.6;  // a fit that makes room for the labels at the edges zooms out at most this far  // below this a whole view no longer reads: fit what changed instead
  const SETTLE_MS = 60;  // a redraw's add/remove/position events come in one burst: act after it

  function cyOf(id) {
    const el = document.getElementById(id || 'cy');
    return el && el._cyreg && el._cyreg.cy;
  }

  function relabel(cy) {
    sizeLabels(cy);
    declutter(cy);
    cy._akgLabelledAt = Date.now();
  }

  /* Where a label sits round its node, in px on screen from the node's centre at zoom z (its own
     side, as the labels are placed first): [left, right, top, bottom]. */
  function labelReach(n, side, lw, lh, z) {
    const hw = n.width() / 2 * z, hh = n.height() / 2 * z, m = 4;
    if (side === 'above') { return [Math.max(hw, lw / 2), Math.max(hw, lw / 2), hh + m + lh, hh]; }
    if (side === 'right') { return [hw, hw + m + lw, Math.max(hh, lh / 2), Math.max(hh, lh / 2)]; }
    if (side === 'left') { return [hw + m + lw, hw, Math.max(hh, lh / 2), Math.max(hh, lh / 2)]; }
    return [Math.max(hw, lw / 2), Math.max(hw, lw / 2), hh, hh + m + lh];
  }

  /* The camera that shows `eles` whole: the largest zoom (within the readable maximum) at which the
     nodes, and the labels that must read (seeds, focus, selection, path, roles) on their own side,
     fit the canvas with PAD px to spare; a label's size on screen does not change with the zoom. */
  function fitView(cy, eles) {
    sizeLabels(cy);
    const W = cy.width(), H = cy.height(), z0 = cy.zoom();
    const padX = PAD;
    const items = eles.nodes().map(n => {
      let lab = null;
      if (rank(n) <= 3 && n.style('label')) {
        const bb = n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false});
        const own = Object.keys(FIRST_SIDE).find(c => n.hasClass(c));
        lab = [own ? FIRST_SIDE[own] : 'below', bb.w * z0, bb.h * z0];
      }
      return [n, n.position(), lab];
    });
    const extent = (z, withLabels) => {
      let x1 = Infinity, x2 = -Infinity, y1 = Infinity, y2 = -Infinity;
      items.forEach(([n, p, lab]) => {
        const r = lab && withLabels ? labelReach(n, lab[0], lab[1], lab[2], z) :
          [n.width() / 2 * z, n.width() / 2 * z, n.height() / 2 * z, n.height() / 2 * z];
        x1 = Math.min(x1, p.x * z - r[0]); x2 = Math.max(x2, p.x * z + r[1]);
        y1 = Math.min(y1, p.y * z - r[2]); y2 = Math.max(y2, p.y * z + r[3]);
      });
      return {x1: x1, x2: x2, y1: y1, y2: y2};
    };
    const fits = (z, withLabels) => {
      const e = extent(z, withLabels);
      return e.x2 - e.x1 <= W - 2 * padX && e.y2 - e.y1 <= H - 2 * PAD;
    };
    // the nodes alone fit at `body`; the labels at the edges are made room for by zooming out at most
    // to LABEL_FIT of it; beyond (labels wider than a phone's canvas) the nodes fit, and the labels
    // that would cross the edge take another side or hide (declutter)
    const bb = eles.nodes().boundingBox({includeLabels: false, includeOverlays: false});
    const body = Math.max(cy.minZoom(), Math.min(cy.maxZoom(),
      (W - 2 * padX) / Math.max(bb.w, 1), (H - 2 * PAD) / Math.max(bb.h, 1)));
    let zoom = body, withLabels = false;
    if (fits(LABEL_FIT * body, true)) {
      let lo = LABEL_FIT * body, hi = body;
      if (fits(hi, true)) { lo = hi; }
      for (let i = 0; i < 20 && hi - lo > 1e-4 * body; i++) {
        const mid = (lo + hi) / 2;
        if (fits(mid, true)) { lo = mid; } else { hi = mid; }
      }
      zoom = lo;
      withLabels = true;
    }
    const e = extent(zoom, withLabels);
    return {zoom: zoom, pan: {x: W / 2 - (e.x1 + e.x2) / 2, y: H / 2 - (e.y1 + e.y2) / 2}};
  }

  function fitZoom(cy, eles) {
    return fitView(cy, eles).zoom;
  }

  /* Animate the camera to `eles` (never beyond the readable maximum zoom); labels follow at the end. */
  function fitTo(cy, eles, instant) {
    if (!eles || !eles.nodes().length || cy.width() <= 2 * PAD || cy.height() <= 2 * PAD) { return; }
    cy.stop(true, false);
    const view = fitView(cy, eles);
    const zoom = view.zoom, pan = view.pan;
    cy._akgFit = {eles: eles, zoom: zoom, pan: pan, w: cy.width(), h: cy.height()};  // refitted on a new size
    cy._akgMoving = true;
    const done = () => { cy._akgMoving = false; relabel(cy); };
    sizeLabels(cy, zoom);  // sized for where the camera ends: a frame of the move only draws
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
    if (cy.width() < 10 || cy.height() < 10) {  // hidden (another tab): at rest, fitted once it shows
      cy._akgLabelledAt = Date.now();
      return;
    }
    const firstDraw = !cy._akgSeen || !cy._akgSeen.size;  // nothing to animate from: fit at once
    const before = cy._akgSeen || new Map();
    const now = snapshot(cy);
    const changed = cy.nodes().filter(n => before.get(n.id()) !== now.get(n.id()));
    const removed = [...before.keys()].some(k => !now.has(k));
    cy._akgSeen = now;
    const wanted = cy._akgZoom && Date.now() < cy._akgZoomUntil ? cy.getElementById(cy._akgZoom) : null;
    if (wanted && wanted.length) {  // a searched node: the whole view when it reads, else its neighbourhood
      cy._akgZoom = null;
      fitTo(cy, fitZoom(cy, cy.elements()) < MIN_FIT_ZOOM ? wanted.closedNeighborhood() : cy.elements(), firstDraw);
      return;
    }
    if (!changed.length && !removed) {
      const f = cy._akgFit;
      if (f && (f.w !== cy.width() || f.h !== cy.height()) && Math.abs(cy.zoom() - f.zoom) < 1e-6 * f.zoom &&
          Math.abs(cy.pan().x - f.pan.x) < 0.5 && Math.abs(cy.pan().y - f.pan.y) < 0.5) {
        fitTo(cy, f.eles, true);  // a new size, the camera where the last fit left it: fitted again
        return;
      }
      relabel(cy);
      return;
    }
    if (!firstDraw) { pointTo(cy); }
    let target = cy.elements();
    if (fitZoom(cy, target) < MIN_FIT_ZOOM && changed.length && changed.length < cy.nodes().length) {
      target = changed.closedNeighborhood();
    }
    fitTo(cy, target, firstDraw);
  }

  /* A change made where the canvas is out of sight (on a phone the panels stack under it) redraws it
     unseen: a button at the screen's foot says so and scrolls back to it; it goes once it is seen. */
  function pointTo(cy) {
    const box = cy.container();
    if (!box || cy !== cyOf('cy')) { return; }  // the Graph tab's canvas (not the SPARQL tab's drawing)
    const r = box.getBoundingClientRect();
    if (r.bottom > 0 && r.top < window.innerHeight) { return; }  // in sight
    let b = document.getElementById('akg-to-graph');
    if (!b) {
      b = document.createElement('button');
      b.id = 'akg-to-graph';
      b.type = 'button';
      b.className = 'akg-to-graph';
      b.addEventListener('click', () => {
        b.hidden = true;
        const now = cyOf('cy');
        if (now) { now.container().scrollIntoView({behavior: 'smooth', block: 'start'}); }
      });
      document.body.appendChild(b);
    }
    if (!box._akgSeenBy) {  // seen again, by the button or by scrolling: the button goes
      box._akgSeenBy = new IntersectionObserver(es => { if (es.some(e => e.isIntersecting)) { b.hidden = true; } });
      box._akgSeenBy.observe(box);
    }
    b.textContent = (r.top < 0 ? '\u2191' : '\u2193') + ' The graph changed: show it';
    b.hidden = false;
  }

  function schedule(cy) {
    clearTimeout(cy._akgFollow);
    cy._akgFollow_pending = true;
    cy._akgFollow = setTimeout(() => { cy._akgFollow_pending = false; reselect(cy); follow(cy); }, SETTLE_MS);
  }

  function hover(cy, n, on) {
    own(cy, () => cy.batch(() => {
      if (!on) {
        cy.elements('.hover, .hl, .faded').removeClass('hover hl faded');
        return;
      }
      const near = n.closedNeighborhood();
      n.addClass('hover');
      near.addClass('hl');
      cy.elements().not(near).addClass('faded');
    }));
  }

  /* A node's context menu offers only the kinds it has neighbours left to draw of, with how many
     (data.lk, from the server); the menu extension shows every item first, this runs after it. */
  function nodeMenu(n) {
    const left = n.data('lk') || {};
    document.querySelectorAll('.cy-context-menus-cxt-menuitem').forEach(b => {
      if (!b.id.startsWith('kind:')) { return; }
      const k = b.id.slice(5);
      if (!b.dataset.name) { b.dataset.name = b.textContent.replace(/^Expand: | only$/g, ''); }
      if (left[k]) {
        b.textContent = 'Expand ' + b.dataset.name + ' (' + left[k] + ')';
        b.style.display = 'block';
      } else {
        b.style.display = 'none';
      }
    });
    const all = document.getElementById('expand');
    if (all && all.classList.contains('cy-context-menus-cxt-menuitem')) {
      const total = n.data('left') || 0;
      all.textContent = total ? 'Expand all (' + total + ')' : 'Expand all neighbours';
    }
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
      if (!frame && !cy._akgMoving) { frame = requestAnimationFrame(() => { frame = null; sizeLabels(cy); }); }
      clearTimeout(idle);
      idle = setTimeout(() => { if (!cy.animated()) { relabel(cy); } }, 90);
    });
    cy.on('resize', () => schedule(cy));
    cy.on('mouseover', 'node', e => hover(cy, e.target, true));
    cy.on('mouseout', 'node', e => hover(cy, e.target, false));
    cy.container().addEventListener('mouseleave', () => hover(cy, null, false));  // left the canvas
    cy.on('mouseover', 'edge', e => own(cy, () => e.target.addClass('hover')));
    cy.on('mouseout', 'edge', e => own(cy, () => e.target.removeClass('hover')));
    // a redraw that only changes what existing elements are (counts, classes): labels and badges again
    cy.on('data class', () => { if (!cy._akgOwn) { schedule(cy); } });
    cy.on('select unselect', 'node', () => { cy._akgSizedAt = null; relabel(cy); });
    let badgeFrame = null;
    cy.on('render', () => {
      if (!badgeFrame) { badgeFrame = requestAnimationFrame(() => { badgeFrame = null; drawBadges(cy); }); }
    });
    cy.on('cxttap', 'node', e => queueMicrotask(() => nodeMenu(e.target)));
    if (cy.nodes().length) { schedule(cy); }
  }

  // a page served with its first graph: attach as soon as Cytoscape is there
  setInterval(() => ['cy', 'q-cy'].forEach(id => { const cy = cyOf(id); if (cy) { attach(cy); } }), 100);

  /* The first view drawn before Dash's renderer (graph/ui/first_paint.py): the page's static copy
     (#akg-pre, after Dash's entry point) gets the view drawn with dash_cytoscape.Cytoscape, fitted and
     labelled as the live canvas will be, as soon as React, ReactDOM and dash-cytoscape are evaluated
     (this file comes right after them on such a page). The copy goes once the live canvas, mounted by
     Dash under it, is fitted and labelled too: the same positions on screen, then the page that acts. */
  const PRE_MAX_MS = 10000;  // a renderer that never mounts the canvas: the copy goes anyway

  /* The scripts first_paint.py kept inert (fetched already: preloaded), run in their order, then
     Dash's renderer started. */
  function runLater() {
    if (window.akgFetchLater) { window.akgFetchLater(); }
    const later = [...document.querySelectorAll('script[data-akg-later]')];
    later.forEach(tag => {
      const s = document.createElement('script');
      s.src = tag.getAttribute('src');
      s.async = false;  // in order, as Dash wrote them
      tag.remove();
      document.body.appendChild(s);
      if (tag === later[later.length - 1]) {
        s.addEventListener('load', () => { window.renderer = new window.DashRenderer(); });
      }
    });
  }

  /* Fit and label a canvas now, not after the usual settling delay (a pending one is dropped). */
  function followNow(cy) {
    clearTimeout(cy._akgFollow);
    cy._akgFollow_pending = false;
    follow(cy);
  }

  function predraw() {
    const pre = document.getElementById('akg-pre');
    const data = document.getElementById('akg-first');
    const box = pre && pre.querySelector('.akg-pre-canvas');
    if (!box || !data || !window.dash_cytoscape || !window.React || !window.ReactDOM) {
      if (pre) { pre.remove(); }
      runLater();
      return;
    }
    // the page's other scripts and Dash's renderer once the view is on screen (two frames: drawn, shown)
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(runLater, 0)));
    try {
      const props = JSON.parse(data.textContent);
      ReactDOM.render(React.createElement(window.dash_cytoscape.Cytoscape, Object.assign(props, {
        id: 'cy', style: {width: '100%', height: '100%'}, setProps: () => {},
      })), box);  // synchronous: the canvas is there now, drawn on the next frame
      const cy = cyOf('cy');
      attach(cy);
      followNow(cy);  // fitted and labelled before its first frame
      performance.mark('akg-first-view');
      // the page's other scripts: fetched once this frame is drawn (its rAF callbacks ran: Cytoscape's
      // first), run two frames on; fetched with it, their decoding and compiling took the 2 cores
      // from the drawing: Cytoscape's first frame 100-120 ms instead of 25
      requestAnimationFrame(() => { if (window.akgFetchLater) { window.akgFetchLater(); } });
    } catch (err) {  // the live page as before, without the copy
      pre.remove();
      return;
    }
    const t0 = Date.now();
    (function handover() {
      const host = document.querySelector('#react-entry-point #cy');
      const live = host && host._cyreg && host._cyreg.cy;
      if (live && live.nodes().length) {
        attach(live);
        if (!live._akgSeen) { followNow(live); }
      }
      const ready = live && live._akgLabelledAt > 0 && !live.animated() && !live._akgMoving && !live._akgFollow_pending;
      if (ready || Date.now() - t0 > PRE_MAX_MS) {
        requestAnimationFrame(() => requestAnimationFrame(() => {  // the live canvas drawn first
          ReactDOM.unmountComponentAtNode(box);
          pre.remove();
          data.remove();
          placeCanvas();  // the live canvas's top (its header may hold a note the copy had not)
        }));
        return;
      }
      requestAnimationFrame(handover);
    })();
  }

  /* The badges drawn on a graph now (tests read them): node id, text, box in px on the canvas. */
  window.akgBadges = function (id) {
    const cy = cyOf(id);
    if (!cy) { return []; }
    drawBadges(cy);
    return cy._akgBadgeList || [];
  };

  /* Whether a graph's camera and labels are at rest (tests wait on it). */
  window.akgSettled = function (id) {
    const cy = cyOf(id);
    return !!cy && !document.getElementById('akg-pre') && !cy.animated() && !cy._akgMoving && cy._akgLabelledAt > 0 &&
      Date.now() - cy._akgLabelledAt > 50 && !document.querySelector('.busy') &&
      !cy._akgFollow_pending;
  };

  /* Clicking a kind in the legend hides or shows it: the kinds checklist follows, which redraws. A
     listener, not a callback on the legend's buttons: each redraw brings new buttons, and a callback
     on them ran (and cost a pass of the renderer) after every draw. */
  function toggleKind(b) {
    let kind;
    try { kind = JSON.parse(b.id).kind; } catch (err) { return; }
    const api = window.dash_component_api;
    const kinds = api && api.getLayout && api.getLayout('f-kinds');
    if (!kind || !kinds) { return; }
    const every = (kinds.props.options || []).map(o => (o && o.value !== undefined ? o.value : o));
    const shown = Array.isArray(kinds.props.value) ? kinds.props.value : every;
    const value = shown.includes(kind) ? shown.filter(k => k !== kind) : shown.concat([kind]);
    window.dash_clientside.set_props('f-kinds', {value: value});
  }

  /* After a redraw: the selected node (the URL's) selected again, its links labelled. */
  function reselect(cy) {
    own(cy, () => {
      cy.elements('.near').removeClass('near');
      const node = cy._akgSel ? cy.getElementById(cy._akgSel) : null;
      if (!node || !node.length) { return; }
      if (!node.selected()) { cy.nodes(':selected').unselect(); node.select(); }
      node.closedNeighborhood().addClass('near');  // its links labelled
    });
  }

  /* Fit and zoom-to-selection buttons; the intro's dismissal remembered in this browser. */
  document.addEventListener('click', e => {
    const b = e.target.closest && e.target.closest('button');
    if (!b) { return; }
    if (b.classList.contains('legend-item')) { toggleKind(b); return; }
    const cy = cyOf('cy');
    if (b.id === 'fit-view' && cy) { fitTo(cy, cy.elements()); }
    if (b.id === 'zoom-selection' && cy) { fitTo(cy, cy.$('node:selected').closedNeighborhood()); }
    if (b.id === 'intro-close') {
      try { localStorage.setItem('akg-intro-dismissed', '1'); } catch (err) { /* private mode */ }
      document.documentElement.classList.add('intro-dismissed');  // the canvas grows (placeCanvas)
    }
    if (b.classList.contains('path-choice') && cy) {  // one path of the finder's list, on its own
      document.querySelectorAll('.path-choice').forEach(o => {
        o.classList.toggle('chosen', o === b);
        o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
      });
      const ids = (b.dataset.nodes + ' ' + b.dataset.links).split(' ').filter(Boolean);
      const chosen = cy.collection(ids.map(id => cy.getElementById(id)).filter(e => e.length));
      own(cy, () => cy.batch(() => {
        cy.elements('.chosen, .unchosen').removeClass('chosen unchosen');
        chosen.addClass('chosen');
        cy.elements('.path').not(chosen).addClass('unchosen');
      }));
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

  /* The canvas reaches the window's foot (style.css: .cy-wrap's height from --cy-top): its top on the
     page, measured now and whenever the page's size changes (a note wraps the toolbar, the header
     holds a note, the intro goes); the first view's copy while it shows, else the live canvas. */
  function placeCanvas() {
    const pre = document.querySelector('#akg-pre .cy-wrap');
    const wrap = pre || [...document.querySelectorAll('.cy-wrap')].find(w => w.offsetParent);
    if (!wrap) { return; }  // another tab: measured when the Graph tab shows
    const top = Math.round(wrap.getBoundingClientRect().top + window.scrollY) + 'px';
    const root = document.documentElement.style;
    if (root.getPropertyValue('--cy-top') === top) { return; }
    root.setProperty('--cy-top', top);
    document.querySelectorAll('#cy').forEach(el => { if (el._cyreg && el._cyreg.cy) { el._cyreg.cy.resize(); } });
  }
  placeCanvas();
  if (window.ResizeObserver) { new ResizeObserver(placeCanvas).observe(document.body); }

  predraw();  // (after the intro's dismissal and the canvas's top: its height depends on them)

  window.dash_clientside.akg = {
    /* Actions that need a selected node are off until there is one. */
    needsSelection: function (selected) {
      const off = !selected;
      return [off, off, off, off];
    },
    /* The URL's selected node (and a searched node to zoom to): a redraw selects it again itself
       (reselect), so this runs only when the selection changes, not after every draw. */
    select: function (selected, zoomTo) {
      const cy = cyOf('cy');
      const none = window.dash_clientside.no_update;
      if (!cy) { return none; }
      attach(cy);
      const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id);
      if (trig.includes('zoom-to.data') && zoomTo) {  // a searched node: fitted with its neighbours
        cy._akgZoom = zoomTo;
        cy._akgZoomUntil = Date.now() + 5000;
      }
      cy._akgSel = selected || null;
      if (!selected) { cy.nodes(':selected').unselect(); }
      reselect(cy);
      schedule(cy);  // labels again (a selected node's label has priority)
      const node = selected ? cy.getElementById(selected) : null;
      if (!node || !node.length) { return none; }
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
