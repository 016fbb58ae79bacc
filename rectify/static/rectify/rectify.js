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
