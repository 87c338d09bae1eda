/* The Graph tab's browser side: selection, neighbourhood highlight, zoom to a searched node. */
window.dash_clientside = window.dash_clientside || {};
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
    select: function (selected, elements, zoomTo) {
      const el = document.getElementById('cy');
      const cy = el && el._cyreg && el._cyreg.cy;
      const none = window.dash_clientside.no_update;
      if (!cy) { return none; }
      if (!cy._akgHover) {
        cy._akgHover = true;
        cy.on('mouseover', 'edge', e => e.target.addClass('hover'));
        cy.on('mouseout', 'edge', e => e.target.removeClass('hover'));
      }
      const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id);
      if (trig.includes('zoom-to.data') && zoomTo) {  // the redraw that follows a search must not undo it
        cy._akgZoom = zoomTo;
        cy._akgZoomUntil = Date.now() + 3000;
      }
      cy.elements('.near').removeClass('near');
      if (!selected) { return none; }
      const node = cy.getElementById(selected);
      if (!node || !node.length) { return none; }
      cy.nodes(':selected').unselect();
      node.select();
      node.closedNeighborhood().addClass('near');  // its neighbours' labels larger, its links labelled
      setTimeout(() => {  // after the layout ran: zoom to a searched node, else centre one out of sight
        if (cy._akgZoom === selected && Date.now() < cy._akgZoomUntil) {
          cy.animate({zoom: Math.max(cy.zoom(), 1.0), center: {eles: node}, duration: 250});
          return;
        }
        const p = node.renderedPosition();
        if (p.x < 20 || p.y < 20 || p.x > cy.width() - 20 || p.y > cy.height() - 20) {
          cy.animate({center: {eles: node}, duration: 250});
        }
      }, 300);
      return none;
    },
};

/* The neighbour groups of the detail panel open one at a time. */
document.addEventListener('toggle', e => {
  const d = e.target;
  if (!d.classList || !d.classList.contains('nb-group') || !d.open) { return; }
  document.querySelectorAll('#detail details.nb-group[open]').forEach(o => { if (o !== d) { o.open = false; } });
}, true);
