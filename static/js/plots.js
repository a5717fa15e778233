// Thumbnail tooltips for the 2-D path plot (gallery/plots/path.py → path_svg).
//
// The SVG holds each step's thumbnail URL in data-thumb rather than an <image>, because
// browsers fetch an SVG <image> even while it is hidden: with this script an image is
// requested only when its point is hovered or focused. Without the script, the points'
// <title> tooltips still name each step. Delegated from the document so plots swapped in
// by htmx work too; guarded so loading the file twice binds nothing twice.
(function () {
  "use strict";
  if (window.__plotTooltips) return;
  window.__plotTooltips = true;

  var SELECTOR = ".plot-point[data-thumb]";
  var tip = null;
  var current = null;

  function tooltip() {
    if (tip) return tip;
    tip = document.createElement("div");
    tip.className = "plot-tooltip";
    tip.setAttribute("aria-hidden", "true");
    tip.hidden = true;
    var img = document.createElement("img");
    img.alt = "";
    img.width = 160;
    img.decoding = "async";
    tip.appendChild(img);
    tip.appendChild(document.createElement("p"));
    document.body.appendChild(tip);
    return tip;
  }

  // The <title> would pop up the browser's own tooltip over ours: keep its text as the
  // accessible name instead.
  function captionOf(point) {
    var title = point.querySelector("title");
    if (title) {
      point.setAttribute("aria-label", title.textContent);
      title.remove();
    }
    return point.getAttribute("aria-label") || "";
  }

  function place(point) {
    var box = point.getBoundingClientRect();
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var left = box.right + 10;
    if (left + width > window.innerWidth - 8) left = box.left - width - 10;
    var top = box.top + box.height / 2 - height / 2;
    top = Math.max(8, Math.min(top, window.innerHeight - height - 8));
    tip.style.left = Math.max(8, left) + "px";
    tip.style.top = top + "px";
  }

  function show(point) {
    if (point === current) return;
    current = point;
    var box = tooltip();
    var img = box.querySelector("img");
    img.src = point.getAttribute("data-thumb");
    box.querySelector("p").textContent = captionOf(point);
    box.hidden = false;
    place(point);
    img.onload = function () { if (current === point) place(point); };
  }

  function hide() {
    current = null;
    if (tip) tip.hidden = true;
  }

  function pointFrom(target) {
    return target && target.closest ? target.closest(SELECTOR) : null;
  }

  document.addEventListener("pointerover", function (event) {
    var point = pointFrom(event.target);
    if (point) show(point);
  });
  document.addEventListener("pointerout", function (event) {
    var point = pointFrom(event.target);
    if (point && point === current && !point.contains(event.relatedTarget)) hide();
  });
  document.addEventListener("focusin", function (event) {
    var point = pointFrom(event.target);
    if (point) show(point); else hide();
  });
  document.addEventListener("focusout", function (event) {
    if (pointFrom(event.target) === current && !pointFrom(event.relatedTarget)) hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
  window.addEventListener("scroll", hide, { passive: true });
})();
