// Small behaviours without inline scripts (the CSP forbids them).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) { event.target.form.submit(); }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    if (!window.echarts) { return; }
    var option = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    window.echarts.init(el).setOption(option);
  });
});
// A "copy" button: data-copy names the element whose text goes to the clipboard (a secret shown
// once). Without the clipboard API (plain HTTP) the text is selected for Ctrl+C instead.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) { return; }
  var source = document.querySelector(button.dataset.copy);
  if (!source) { return; }
  var range = document.createRange();
  range.selectNodeContents(source);
  var selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      if (button.dataset.copied) { button.textContent = button.dataset.copied; }
    });
  }
});
