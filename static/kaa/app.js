// KAA front-end glue. No inline scripts (Content-Security-Policy): behaviour is attached here.
document.addEventListener("DOMContentLoaded", function () {
  // Confirm dangerous actions: <button data-confirm="…">.
  document.body.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Select-all checkboxes: <input type="checkbox" data-select-all="name">.
  document.body.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-select-all");
    if (!name) return;
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
});
// Session ended (401/403 on an htmx request): reload so the login page shows.
document.addEventListener("htmx:responseError", function (event) {
  if (event.detail.xhr && event.detail.xhr.status === 401) window.location.reload();
});

// --- Coach's day (outreach): keyboard focus after htmx swaps -----------------------------------
// A swapped-in fragment marks the control that should take the focus with data-kaa-focus: the
// first control of the inline call form, or the row's confirmation after saving. Without this the
// focus is lost with the element that was replaced. Marks in the page as first loaded are dropped,
// so only content that htmx has just swapped in moves the focus.
function kaaDropFocusMarks() {
  document.querySelectorAll("[data-kaa-focus]").forEach(function (el) {
    el.removeAttribute("data-kaa-focus");
  });
}
document.addEventListener("DOMContentLoaded", kaaDropFocusMarks);
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-kaa-focus]");
  kaaDropFocusMarks();
  if (target) target.focus();
});
// Drop-down menus (<details class="kaa-menu">): one open at a time; a click elsewhere or Escape closes.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.kaa-menu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.kaa-menu[open]").forEach(function (menu) {
    menu.removeAttribute("open");
    var summary = menu.querySelector("summary");
    if (summary && menu.contains(document.activeElement)) summary.focus();
  });
});
// A table wider than the screen scrolls inside its wrapper: the wrapper then takes keyboard focus
// (arrow keys scroll it) and is named by the table's caption.
function kaaScrollRegions(root) {
  (root || document).querySelectorAll(".kaa-table-wrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = wrap.querySelector("caption");
      if (caption && !wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", caption.textContent.trim());
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { kaaScrollRegions(); });
window.addEventListener("resize", function () { kaaScrollRegions(); });
document.addEventListener("htmx:afterSettle", function () { kaaScrollRegions(); });
