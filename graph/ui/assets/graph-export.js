/* The view as a picture (PNG, SVG) that explains itself: Cytoscape draws the whole graph, this adds
   below it the legend the page shows (the kinds drawn, in their shapes and colours, and the link
   styles) and a caption naming the view and its link, so a picture pasted elsewhere still reads. */
(function () {
  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

  function cyOf() {
    const el = document.getElementById('cy');
    return el && el._cyreg && el._cyreg.cy;
  }

  /* A swatch's CSS clip-path (graph/ui/view/style.py) as an SVG path in a box of side s at x, y. */
  function shapePath(clip, x, y, s) {
    const poly = /^polygon\((.*)\)$/.exec(clip || '');
    if (poly) {
      const pts = poly[1].split(',').map(p => p.trim().split(/\s+/).map(v => parseFloat(v) / 100 * s));
      return pts.map(([px, py], i) => (i ? 'L' : 'M') + (x + px).toFixed(1) + ' ' + (y + py).toFixed(1)).join(' ') + ' Z';
    }
    const round = /round\s+([\d.]+)%/.exec(clip || '');
    if (/^inset/.test(clip || '')) {
      const r = round ? parseFloat(round[1]) / 100 * s : 0;
      return `M${x + r} ${y} H${x + s - r} A${r} ${r} 0 0 1 ${x + s} ${y + r} V${y + s - r} ` +
        `A${r} ${r} 0 0 1 ${x + s - r} ${y + s} H${x + r} A${r} ${r} 0 0 1 ${x} ${y + s - r} ` +
        `V${y + r} A${r} ${r} 0 0 1 ${x + r} ${y} Z`;
    }
    const h = s / 2;  // circle(50%), and anything else
    return `M${x} ${y + h} A${h} ${h} 0 1 0 ${x + s} ${y + h} A${h} ${h} 0 1 0 ${x} ${y + h} Z`;
  }

  /* The page's legend as drawing items: kinds shown (not switched off), then the link styles. */
  function entries() {
    const out = [];
    document.querySelectorAll('#legend .legend-item').forEach(it => {
      if (it.classList.contains('off')) { return; }
      const text = it.textContent.replace(/\s+/g, ' ').trim();
      const sw = it.querySelector('.swatch'), line = it.querySelector('.line');
      if (sw) { out.push({text: text, colour: getComputedStyle(sw).backgroundColor, clip: sw.style.clipPath}); }
      if (line) {  // the stroke the page draws (style.css .line: a top border)
        const st = getComputedStyle(line);
        out.push({text: text, line: {width: parseFloat(st.borderTopWidth), colour: st.borderTopColor,
          dash: st.borderTopStyle === 'dashed' ? [6, 4] : []}});
      }
    });
    return out;
  }

  /* Where each legend item and the caption go under a picture `width` wide, at scale k. */
  function layout(width, k) {
    const ctx = document.createElement('canvas').getContext('2d');
    const font = `${13 * k}px ${FONT}`, small = `${11 * k}px ${FONT}`;
    ctx.font = font;
    const pad = 16 * k, row = 24 * k, sw = 14 * k, gap = 20 * k, lineW = 28 * k;
    let x = pad, y = pad;
    const items = entries().map(e => {
      const w = (e.line ? lineW : sw) + 6 * k + ctx.measureText(e.text).width;
      if (x > pad && x + w > width - pad) { x = pad; y += row; }
      const at = {e: e, x: x, y: y};
      x += w + gap;
      return at;
    });
    const note = (document.getElementById('view-note') || {}).textContent || '';
    const count = (document.getElementById('view-count') || {}).textContent || '';
    const caption = [count, note].filter(Boolean).join(' · ') + ' — ' + window.location.href;
    return {items: items, font: font, small: small, sw: sw, lineW: lineW, k: k,
      caption: caption, captionY: y + row + 4 * k, height: y + row + 18 * k + pad};
  }

  /* The whole view at twice its size on screen (labels keep their size on screen, so they read as
     they do there), within what a canvas can hold (8,000 px a side). */
  function pictureScale(cy) {
    const bb = cy.elements().boundingBox();
    return Math.min(2 * cy.zoom(), 8000 / Math.max(bb.w, bb.h, 1));
  }

  /* The legend's scale in a picture drawn at `picture`: its labels' (their size on screen is fixed). */
  function legendScale(cy, picture) {
    return Math.max(1, Math.min(3, picture / cy.zoom()));
  }

  function drawLegend(ctx, L, top) {
    L.items.forEach(({e, x, y}) => {
      const cy0 = top + y + 10 * L.k;
      if (e.line) {
        ctx.save();
        ctx.strokeStyle = e.line.colour; ctx.lineWidth = e.line.width * L.k;
        ctx.setLineDash(e.line.dash.map(d => d * L.k));
        ctx.beginPath(); ctx.moveTo(x, cy0); ctx.lineTo(x + L.lineW, cy0); ctx.stroke();
        ctx.restore();
      } else {
        ctx.fillStyle = e.colour;
        ctx.fill(new Path2D(shapePath(e.clip, x, cy0 - L.sw / 2, L.sw)));
      }
      ctx.fillStyle = '#1d2630'; ctx.font = L.font; ctx.textBaseline = 'middle';
      ctx.fillText(e.text, x + (e.line ? L.lineW : L.sw) + 6 * L.k, cy0);
    });
    ctx.fillStyle = '#56626e'; ctx.font = L.small;
    ctx.fillText(L.caption, 16 * L.k, top + L.captionY);
  }

  function download(blob, name) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  /* The PNG: the graph at its labels' scale, the legend and caption under it. */
  function png(cy, done) {
    const img = new Image(), at = pictureScale(cy);
    img.onload = () => {
      const L = layout(img.width, legendScale(cy, at));
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height + L.height;
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0);
      ctx.strokeStyle = '#d5dbe1'; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(0, img.height + 0.5); ctx.lineTo(c.width, img.height + 0.5); ctx.stroke();
      drawLegend(ctx, L, img.height);
      c.toBlob(done, 'image/png');
    };
    img.src = cy.png({full: true, bg: '#ffffff', output: 'base64uri', scale: at});
  }

  /* The SVG: cytoscape-svg's drawing, made taller, with the legend and caption as shapes and text. */
  function svg(cy) {
    const at = pictureScale(cy);
    const doc = new DOMParser().parseFromString(cy.svg({full: true, bg: '#ffffff', scale: at}), 'image/svg+xml');
    const root = doc.documentElement, NS = 'http://www.w3.org/2000/svg';
    const w = parseFloat(root.getAttribute('width')), h = parseFloat(root.getAttribute('height'));
    if (!isFinite(w) || !isFinite(h)) { return new XMLSerializer().serializeToString(doc); }  // as drawn
    const L = layout(w, legendScale(cy, at));
    const add = (tag, attrs, text) => {
      const el = doc.createElementNS(NS, tag);
      Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
      if (text) { el.textContent = text; }
      g.appendChild(el);
    };
    const g = doc.createElementNS(NS, 'g');
    g.setAttribute('class', 'akg-legend');
    add('rect', {x: 0, y: h, width: w, height: L.height, fill: '#ffffff'});
    add('line', {x1: 0, y1: h + 0.5, x2: w, y2: h + 0.5, stroke: '#d5dbe1'});
    L.items.forEach(({e, x, y}) => {
      const cy0 = h + y + 10 * L.k;
      if (e.line) {
        add('line', {x1: x, y1: cy0, x2: x + L.lineW, y2: cy0, stroke: e.line.colour,
          'stroke-width': e.line.width * L.k, 'stroke-dasharray': e.line.dash.map(d => d * L.k).join(' ') || 'none'});
      } else {
        add('path', {d: shapePath(e.clip, x, cy0 - L.sw / 2, L.sw), fill: e.colour});
      }
      add('text', {x: x + (e.line ? L.lineW : L.sw) + 6 * L.k, y: cy0, 'dominant-baseline': 'middle',
        'font-family': FONT, 'font-size': 13 * L.k, fill: '#1d2630'}, e.text);
    });
    add('text', {x: 16 * L.k, y: h + L.captionY, 'font-family': FONT, 'font-size': 11 * L.k, fill: '#56626e'}, L.caption);
    root.appendChild(g);
    root.setAttribute('height', h + L.height);
    const vb = (root.getAttribute('viewBox') || '').split(/[\s,]+/).map(Number);
    if (vb.length === 4 && vb.every(isFinite)) { root.setAttribute('viewBox', [vb[0], vb[1], vb[2], vb[3] + L.height].join(' ')); }
    return new XMLSerializer().serializeToString(doc);
  }

  window.akgExport = {entries: entries, pictureScale: pictureScale};  // what the tests read

  document.addEventListener('click', e => {
    const b = e.target.closest && e.target.closest('#export-png, #export-svg');
    const cy = cyOf();
    if (!b || !cy || !cy.nodes().length) { return; }
    if (b.id === 'export-png') { png(cy, blob => download(blob, 'akg-view.png')); return; }
    download(new Blob([svg(cy)], {type: 'image/svg+xml'}), 'akg-view.svg');
  });
})();
