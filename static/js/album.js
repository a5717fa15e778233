// The album: a chain read picture → words → picture. This script makes the step in view
// (or the one the keyboard moved to) the active one, and keeps the step rail in step.
//   ← / →  or  k / j   previous / next step     Home / End   first / last step
//   p                  play it back, beat by beat (the reveal page)
// Without it, the rail's links are plain anchors and :target marks the step.
(function () {
  "use strict";
  var beats = function () { return Array.from(document.querySelectorAll("#steps > .beat")); };
  var rail = document.getElementById("album-rail");
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var active = null;
  var steeredUntil = 0; // while a key or the rail scrolls the page, scrolling does not pick the step

  function mark(beat) {
    if (!beat || beat === active) return;
    if (active) { active.classList.remove("is-active"); active.removeAttribute("aria-current"); }
    active = beat;
    beat.classList.add("is-active");
    beat.setAttribute("aria-current", "step");
    if (!rail) return;
    rail.querySelectorAll("a[aria-current]").forEach(function (link) { link.removeAttribute("aria-current"); });
    var link = rail.querySelector('a[data-index="' + beat.dataset.index + '"]');
    if (link) {
      link.setAttribute("aria-current", "step");
      var box = rail.getBoundingClientRect(), spot = link.getBoundingClientRect();
      if (spot.left < box.left || spot.right > box.right) rail.scrollLeft += spot.left - box.left - box.width / 2;
    }
  }

  function go(beat) {
    if (!beat) return;
    steeredUntil = Date.now() + 1000;
    mark(beat);
    beat.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth", block: "center" });
    beat.focus({ preventScroll: true });
    var url = new URL(window.location);
    url.searchParams.set("step", beat.dataset.index);
    url.hash = "";
    history.replaceState(null, "", url);
  }

  function step(offset) {
    var list = beats();
    var at = active ? list.indexOf(active) : -1;
    go(list[Math.min(Math.max(at + offset, 0), list.length - 1)]);
  }

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    var list = beats();
    if (!list.length) return;
    var actions = {
      ArrowRight: function () { step(1); }, j: function () { step(1); },
      ArrowLeft: function () { step(-1); }, k: function () { step(-1); },
      Home: function () { go(list[0]); }, End: function () { go(list[list.length - 1]); },
      p: function () { var play = document.querySelector("[data-play]"); if (play) window.location = play.href; },
    };
    var action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  if (rail) {
    rail.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-index]");
      if (!link) return;
      event.preventDefault();
      go(document.getElementById("step-" + link.dataset.index));
    });
  }

  // While scrolling, the step nearest the middle of the screen is the active one.
  if ("IntersectionObserver" in window) {
    var watcher = new IntersectionObserver(function (entries) {
      if (Date.now() < steeredUntil) return;
      entries.forEach(function (entry) { if (entry.isIntersecting) mark(entry.target); });
    }, { rootMargin: "-45% 0px -45% 0px" });
    beats().forEach(function (beat) { watcher.observe(beat); });
    document.addEventListener("htmx:oobAfterSwap", function () {
      beats().forEach(function (beat) {
        watcher.observe(beat);
        if (rail && !rail.querySelector('a[data-index="' + beat.dataset.index + '"]')) {
          var item = document.createElement("li"), link = document.createElement("a");
          link.href = "#step-" + beat.dataset.index;
          link.dataset.index = beat.dataset.index;
          link.textContent = beat.dataset.index;
          item.append(link);
          rail.append(item);
        }
      });
    });
  }

  // Opened at a step (?step=N or #step-N): bring it into view.
  var list = document.getElementById("steps");
  var wanted = (list && list.dataset.selected) || (window.location.hash.match(/^#step-(\d+)$/) || [])[1];
  if (wanted !== undefined && wanted !== "") {
    var target = document.getElementById("step-" + wanted);
    if (target) {
      // A reload would otherwise put back the old scroll position after this runs (it may
      // have been taken mid-way through a smooth scroll), hiding the step asked for.
      if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
      steeredUntil = Date.now() + 1000; // the observer's first report predates this scroll
      mark(target);
      target.scrollIntoView({ block: "center" });
    }
  }
})();
