// Play it back: the album revealed one beat at a time, like the replay at the end of a
// round of the drawing game: a picture, then the words it became, then the picture
// painted from those words.
//   → Space Enter j  next beat      ← Backspace k  back one      Home  start again
//   End  show everything            p  play / pause              Esc   back to the album
// Without this script the Back / Next links load ?beat=K, which the server renders.
(function () {
  "use strict";
  var feed = document.getElementById("reveal-feed");
  if (!feed) return;
  var beats = Array.from(feed.querySelectorAll(".reveal-beat"));
  var position = document.getElementById("reveal-position");
  var end = document.getElementById("reveal-end");
  var playButton = document.getElementById("autoplay");
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var current = Number(feed.dataset.beat) || 0;
  var timer = null;

  function show(next, scroll) {
    current = Math.min(Math.max(next, 0), beats.length - 1);
    beats.forEach(function (beat, i) { beat.hidden = i > current; });
    beats.forEach(function (beat, i) { beat.classList.toggle("is-current", i === current); });
    end.hidden = current < beats.length - 1;
    position.textContent = (current + 1) + " / " + beats.length;
    var url = new URL(window.location);
    url.searchParams.set("beat", current);
    url.searchParams.delete("step");
    url.hash = "";
    history.replaceState(null, "", url);
    // Warm the picture two beats ahead so it is there when its turn comes.
    var ahead = beats[current + 2] && beats[current + 2].querySelector("img");
    if (ahead) ahead.loading = "eager";
    if (scroll !== false) {
      var target = current === beats.length - 1 ? end : beats[current];
      target.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth", block: "end" });
    }
    if (current === beats.length - 1) stop();
  }

  function delay() {
    var beat = beats[current + 1];
    if (!beat) return 0;
    var words = beat.classList.contains("reveal-words") ? beat.textContent.split(/\s+/).length : 0;
    return words ? Math.min(2200 + words * 120, 6000) : 2200;
  }

  function tick() { show(current + 1); if (timer !== null) timer = window.setTimeout(tick, delay()); }
  function play() {
    if (current >= beats.length - 1) show(0);
    timer = window.setTimeout(tick, 600);
    playButton.setAttribute("aria-pressed", "true");
    playButton.textContent = "Pause";
  }
  function stop() {
    if (timer !== null) window.clearTimeout(timer);
    timer = null;
    playButton.setAttribute("aria-pressed", "false");
    playButton.textContent = "Play";
  }
  function toggle() { if (timer === null) play(); else stop(); }

  function step(offset) { stop(); show(current + offset); }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("summary, button, a") && (event.key === " " || event.key === "Enter")) return;
    var actions = {
      ArrowRight: function () { step(1); }, " ": function () { step(1); }, Enter: function () { step(1); },
      j: function () { step(1); }, PageDown: function () { step(1); },
      ArrowLeft: function () { step(-1); }, Backspace: function () { step(-1); }, k: function () { step(-1); },
      PageUp: function () { step(-1); },
      Home: function () { stop(); show(0); }, End: function () { stop(); show(beats.length - 1); },
      p: toggle,
      Escape: function () { window.location = document.body.dataset.exitUrl; },
    };
    var action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  [["previous-slide", -1], ["next-slide", 1]].forEach(function (pair) {
    var link = document.getElementById(pair[0]);
    if (link) link.addEventListener("click", function (event) { event.preventDefault(); step(pair[1]); });
  });
  var restart = document.querySelector("[data-restart]");
  if (restart) restart.addEventListener("click", function (event) { event.preventDefault(); stop(); show(0); });
  playButton.hidden = false;
  playButton.addEventListener("click", toggle);
  show(current, false);
})();
