/* 保租通: progressive enhancement only — every form works without this file.
   1. After a refused form, move focus to the error summary so it is read out first.
   2. The unit-type rows of the application form: "增加一行" and "删除此户型" act in the
      page instead of posting the form back (the server accepts any row indexes). */
(function () {
  "use strict";

  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  function renumber(container) {
    var rows = container.querySelectorAll(".unit-row");
    rows.forEach(function (row, n) {
      var title = row.querySelector(".row-title");
      if (title) { title.textContent = "户型 " + (n + 1); }
    });
  }

  function setUpRows() {
    var container = document.querySelector(".unit-rows");
    if (!container) { return; }
    var form = container.closest("form");
    var add = form.querySelector("button.add-row");

    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name='action']");
      if (!button) { return; }
      var value = button.value || "";
      if (value.indexOf("remove_row:") === 0) {
        var rows = container.querySelectorAll(".unit-row");
        var row = button.closest(".unit-row");
        if (!row || rows.length <= 1) { return; }
        event.preventDefault();
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        renumber(container);
        var focusable = next && next.querySelector("input, select");
        if (focusable) { focusable.focus(); } else if (add) { add.focus(); }
      } else if (button === add) {
        event.preventDefault();
        var template = container.querySelector(".unit-row:last-of-type");
        var index = parseInt(container.getAttribute("data-next-index"), 10);
        var old = template.getAttribute("data-index");
        var clone = template.cloneNode(true);
        clone.setAttribute("data-index", String(index));
        clone.querySelectorAll("[name], [id], [for], [aria-describedby], [value]").forEach(function (el) {
          ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
            var v = el.getAttribute(attr);
            if (v) {
              el.setAttribute(attr, v.split("[" + old + "]").join("[" + index + "]")
                .split("-" + old + "-").join("-" + index + "-")
                .split("unit-row-" + old).join("unit-row-" + index));
            }
          });
          if (el.matches("button[name='action']")) { el.value = "remove_row:" + index; }
        });
        clone.querySelectorAll("input").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
        clone.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; el.removeAttribute("aria-invalid"); });
        clone.querySelectorAll(".error-text, .hint").forEach(function (el) { el.remove(); });
        clone.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
        clone.querySelectorAll("[aria-describedby]").forEach(function (el) {
          if (!el.matches("button")) { el.removeAttribute("aria-describedby"); }
        });
        container.appendChild(clone);
        container.setAttribute("data-next-index", String(index + 1));
        renumber(container);
        var first = clone.querySelector("input");
        if (first) { first.focus(); }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    setUpRows();
  });
})();
