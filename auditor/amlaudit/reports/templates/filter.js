(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  document.documentElement.classList.add("js");
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  if (!form || !table || !table.tBodies.length) return;
  form.hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var text = null;
  var count = document.getElementById("filter-count");
  function apply() {
    var f = form.elements;
    var s = f.status.value, v = f.severity.value, r = f.rule.value;
    var q = f.q.value.trim().toLowerCase();
    if (q && text === null) {
      text = rows.map(function (row) { return row.textContent.toLowerCase(); });
    }
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var d = rows[i].dataset;
      var ok = (!s || d.s === s) && (!v || d.v === v) && (!r || d.r === r) &&
        (!q || text[i].indexOf(q) !== -1);
      rows[i].hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown + " of " + rows.length + " shown";
  }
  // A link such as report.html?severity=high&rule=AML001 opens the table already filtered.
  var params = new URLSearchParams(window.location.search);
  ["status", "severity", "rule", "q"].forEach(function (name) {
    if (params.has(name)) form.elements[name].value = params.get(name);
  });
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
