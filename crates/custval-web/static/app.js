// custval web app: small progressive enhancements only; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Apply list filters as soon as a select changes.
  var filters = document.getElementById("filters");
  if (filters) {
    filters.querySelectorAll("select").forEach(function (s) {
      s.addEventListener("change", function () { filters.submit(); });
    });
  }
  // Ask before deleting a user.
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // Ask before clearing an override.
  var clear = document.getElementById("ov-clear");
  if (clear) {
    clear.addEventListener("click", function (e) {
      if (!window.confirm(clear.textContent + "?")) { e.preventDefault(); }
    });
  }
});
