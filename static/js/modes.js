// Mode-aware chain forms (submit, branch): picking a mode shows that mode's own field
// and hides the others, in place. Without this script the mode links reload the page
// with ?mode=…, and the server renders the same thing.
(function () {
  "use strict";
  document.querySelectorAll("[data-mode-picker]").forEach(function (picker) {
    var form = picker.closest("form");
    var input = picker.querySelector("[data-mode-input]");
    picker.addEventListener("click", function (event) {
      var option = event.target.closest("[data-mode]");
      if (!option) return;
      event.preventDefault();
      var mode = option.dataset.mode;
      input.value = mode;
      picker.querySelectorAll("[data-mode]").forEach(function (other) {
        if (other === option) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      });
      form.querySelectorAll("[data-for-mode]").forEach(function (field) {
        field.hidden = field.dataset.forMode !== mode;
      });
      var url = new URL(window.location);
      url.searchParams.set("mode", mode);
      history.replaceState(null, "", url);
      var shown = form.querySelector('[data-for-mode="' + mode + '"] input');
      if (shown) shown.focus();
    });
  });
})();
