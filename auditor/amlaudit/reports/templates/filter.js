(function () {
  "use strict";
  document.documentElement.classList.add("js");
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  // A link to a collapsed rule (#rule-AML001) or findings group (#f-AML001) opens it and the
  // sections around it, so every doc is one click away from the finding that needs it.
  function reveal(hash) {
    var target = hash && hash.length > 1 ? document.getElementById(hash.slice(1)) : null;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (target) target.scrollIntoView();
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (link) reveal(link.getAttribute("href"));
  });
  window.addEventListener("hashchange", function () { reveal(window.location.hash); });
  reveal(window.location.hash);

  var form = document.getElementById("filters");
  var container = document.getElementById("findings-groups");
  if (!form || !container) return;
  var rows = Array.prototype.slice.call(container.querySelectorAll("tr[data-s]"));
  if (!rows.length) return;
  form.hidden = false;
  var groups = Array.prototype.slice.call(container.querySelectorAll("details.group"));
  var initially = groups.map(function (g) { return g.open; });
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
    var filtering = Boolean(s || v || r || q);
    groups.forEach(function (group, n) {
      var visible = group.querySelector("tr[data-s]:not([hidden])") !== null;
      group.hidden = !visible;
      group.open = filtering ? visible : initially[n];
    });
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
