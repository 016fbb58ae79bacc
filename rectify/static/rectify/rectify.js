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
// Pickers (core/generic/pickers.py): a select holding only the chosen rows becomes a Tom Select box
// that asks the server (data-picker) for the rows in the user's scope matching what is typed.
function rectifyPicker(el) {
  var url = el.dataset.picker;
  return new window.TomSelect(el, {
    valueField: "id", labelField: "text", searchField: [], maxOptions: null, preload: "focus",
    loadThrottle: 250, placeholder: el.dataset.placeholder, allowEmptyOption: !el.required,
    closeAfterSelect: !el.multiple,
    plugins: el.multiple ? ["remove_button"] : [],
    // One choice made: the box lets go, so that the next field takes what is typed (phones too).
    onItemAdd: function () { if (!el.multiple) { this.blur(); } },
    // The server has matched the name and the code: keep its order, filter nothing here.
    score: function () { return function () { return 1; }; },
    shouldLoad: function () { return true; },
    load: function (query, callback) {
      fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) { callback(data.results); })
        .catch(function () { callback(); });
    },
    render: {
      no_results: function () { return "<div class=\"no-results\">" + el.dataset.noResults + "</div>"; },
      loading: function () { return "<div class=\"p-2 text-muted small\">" + el.dataset.loading + "</div>"; }
    }
  });
}
// A select whose options follow another field (data-cascade-from): only the options whose
// data-parent is the value chosen there stay; the chosen one is kept when it still fits.
function rectifyCascade(child) {
  var parent = document.getElementById(child.dataset.cascadeFrom);
  if (!parent) { return; }
  var all = Array.prototype.map.call(child.options, function (o) {
    return {value: o.value, text: o.text, parent: o.dataset.parent};
  });
  function refresh() {
    var current = child.value;
    child.innerHTML = "";
    all.forEach(function (o) {
      if (o.value === "" || (parent.value && o.parent === parent.value)) {
        child.add(new Option(o.value === "" && !parent.value ? child.dataset.cascadeEmpty : o.text, o.value,
                             false, o.value === current));
      }
    });
    child.disabled = !parent.value;
  }
  parent.addEventListener("change", refresh);
  refresh();
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-cascade-from]").forEach(rectifyCascade);
  if (!window.TomSelect) { return; }
  document.querySelectorAll("select[data-picker]").forEach(rectifyPicker);
  // A long multiple choice read from the page: typed to filter, ticked one by one.
  document.querySelectorAll("select[data-enhance=multiple]").forEach(function (el) {
    new window.TomSelect(el, {plugins: ["remove_button"], maxOptions: null, hidePlaceholder: true});
  });
});
