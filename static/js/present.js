// Presentation mode: a slideshow driven by the keyboard. Without this script the
// page still works through its previous/next links.
(function () {
  "use strict";
  const slides = Array.from(document.querySelectorAll(".slide"));
  if (!slides.length) return;
  let current = Math.max(0, slides.findIndex((slide) => !slide.hidden));
  const position = document.getElementById("slide-position");
  const last = slides[slides.length - 1].dataset.index;

  function show(next) {
    current = Math.min(Math.max(next, 0), slides.length - 1);
    slides.forEach((slide, i) => { slide.hidden = i !== current; });
    const index = slides[current].dataset.index;
    position.textContent = index + " / " + last;
    const url = new URL(window.location);
    url.searchParams.set("step", index);
    history.replaceState(null, "", url);
    // Warm the next picture so advancing feels instant.
    const upcoming = slides[current + 1];
    if (upcoming) upcoming.querySelector("img").loading = "eager";
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const keys = {
      ArrowRight: () => show(current + 1), ArrowDown: () => show(current + 1), " ": () => show(current + 1),
      PageDown: () => show(current + 1), ArrowLeft: () => show(current - 1), ArrowUp: () => show(current - 1),
      PageUp: () => show(current - 1), Home: () => show(0), End: () => show(slides.length - 1),
      f: toggleFullscreen, Escape: () => { if (!document.fullscreenElement) window.location = document.body.dataset.exitUrl; },
    };
    const action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  for (const [id, offset] of [["previous-slide", -1], ["next-slide", 1]]) {
    const link = document.getElementById(id);
    if (link) link.addEventListener("click", (event) => { event.preventDefault(); show(current + offset); });
  }
  const button = document.getElementById("fullscreen");
  button.hidden = false;
  button.addEventListener("click", toggleFullscreen);
})();
