// A picker (layout/common.py) shows its whole list while focus is inside it, its chosen options
// otherwise: the class `open` says which. It changes only once no mouse button is down, so a list
// that opens or closes never moves what the pointer is on between press and release (the click
// lands where it was aimed); pressing an option keeps the focus where it is.
(function () {
  let pressed = false;
  function sync() {
    document.querySelectorAll('fieldset.picker').forEach((p) => {
      p.classList.toggle('open', p.contains(document.activeElement));
    });
  }
  document.addEventListener('mousedown', (e) => {
    pressed = true;
    if (e.target instanceof Element && e.target.closest('.picker-scroll .form-check')) {
      e.preventDefault();
    }
  }, true);
  document.addEventListener('mouseup', () => {
    pressed = false;
    setTimeout(sync, 0); // after the click this release makes
  }, true);
  document.addEventListener('focusin', () => { if (!pressed) { sync(); } });
  document.addEventListener('focusout', () => { if (!pressed) { setTimeout(sync, 0); } });
})();
