// Toasts: Django messages shown as small notes that leave by themselves.
//
// The server renders the messages of a full page into #toasts (so they show without
// JavaScript too). After an htmx request, gallery.middleware.HtmxMessagesMiddleware
// sends them in the HX-Trigger header as a "messages" event instead, and this script
// adds them to the same live region. Messages from the page load are re-added after a
// moment, because screen readers announce what changes in a live region, not what was
// there from the start. A toast stays while it is hovered or focused.
(function () {
  "use strict";
  var SHOW_MS = 7000;

  function region() { return document.getElementById("toasts"); }

  function dismiss(toast) {
    toast.classList.add("toast-leaving");
    window.setTimeout(function () { toast.remove(); }, 250);
  }

  function schedule(toast) {
    var timer = null;
    function arm() { timer = window.setTimeout(function () { dismiss(toast); }, SHOW_MS); }
    function hold() { window.clearTimeout(timer); }
    toast.addEventListener("mouseenter", hold);
    toast.addEventListener("mouseleave", arm);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("focusout", arm);
    arm();
  }

  function add(level, text) {
    var box = region();
    if (!box || !text) return;
    var toast = document.createElement("p");
    toast.className = "toast toast-" + (level || "info");
    var words = document.createElement("span");
    words.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { dismiss(toast); });
    toast.append(words, close);
    box.append(toast);
    schedule(toast);
  }

  function fromPage() {
    var box = region();
    if (!box) return;
    var waiting = Array.from(box.querySelectorAll(".toast")).map(function (toast) {
      var level = (toast.className.match(/toast-(\w+)/) || [])[1];
      return [level, toast.textContent.trim()];
    });
    box.textContent = "";
    window.setTimeout(function () {
      waiting.forEach(function (pair) { add(pair[0], pair[1]); });
    }, 150);
  }

  document.addEventListener("messages", function (event) {
    (event.detail && event.detail.items || []).forEach(function (message) {
      add(message.level, message.message);
    });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fromPage);
  else fromPage();
})();
