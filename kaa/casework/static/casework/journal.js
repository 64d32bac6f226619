// Journal form: warn while typing when the text looks like a personal identity number (the server warns too).
document.addEventListener("DOMContentLoaded", function () {
  var text = document.querySelector("textarea[data-pnr-warning]");
  var warning = document.querySelector("[data-pnr-live]");
  if (!text || !warning) return;
  var pattern = /(^|[^\d])(\d{2})?\d{6}[-+]?\d{4}(?!\d)/;
  var check = function () { warning.hidden = !pattern.test(text.value); };
  text.addEventListener("input", check);
  check();
});
