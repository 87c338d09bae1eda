// Pressing on a picker's option keeps the focus where it is: the list (open while focus is inside the
// picker, see style.css) neither opens nor closes under the pointer, so the click lands on that option.
document.addEventListener('mousedown', (e) => {
  if (e.target instanceof Element && e.target.closest('.picker-scroll .form-check')) {
    e.preventDefault();
  }
});
