/* Account pages. Everything works without it; it only adds conveniences (no inline scripts:
   the Content-Security-Policy forbids them).
   - Grant forms: show only the scope field (region or institution) the chosen role is granted on.
   - The new token page: a copy button, and a click in the field selects the whole token. */
(function () {
  "use strict";

  function syncScope(select) {
    var kinds;
    try { kinds = JSON.parse(select.getAttribute("data-scope-kinds") || "{}"); } catch (e) { return; }
    var kind = kinds[select.value];
    var form = select.form;
    if (!form) return;
    form.querySelectorAll("[data-scope-box]").forEach(function (box) {
      var which = box.getAttribute("data-scope-box");
      // No role chosen yet: show both fields, as without JavaScript.
      box.hidden = kind ? which !== kind : which === "none";
    });
  }

  document.querySelectorAll("select[data-scope-kinds]").forEach(function (select) {
    syncScope(select);
    select.addEventListener("change", function () { syncScope(select); });
  });

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-copy-target]") : null;
    if (!btn) return;
    var input = document.getElementById(btn.getAttribute("data-copy-target"));
    if (!input) return;
    input.select();
    var done = function () {
      btn.textContent = btn.getAttribute("data-copied-text") || btn.textContent;
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
