// Timeline: ← and → move the step scrubber from anywhere on the page, and the
// scrubber's range grows as live steps arrive. htmx does the fetching and swapping.
(function () {
  "use strict";
  function slider() { return document.getElementById("step-slider"); }

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable]") && target !== slider();
  }

  document.addEventListener("keydown", (event) => {
    const range = slider();
    if (!range || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target === range || isTyping(event.target)) return; // the slider handles its own keys
    const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (!step) return;
    const next = Math.min(Math.max(Number(range.value) + step, Number(range.min)), Number(range.max));
    if (next === Number(range.value)) return;
    event.preventDefault();
    range.value = String(next);
    range.dispatchEvent(new Event("input", { bubbles: true }));
  });

  document.addEventListener("htmx:oobAfterSwap", () => {
    const range = slider();
    const cards = document.querySelectorAll("#steps .step-card");
    if (range && cards.length) range.max = cards[cards.length - 1].dataset.index;
  });
})();
