// Sort any table with class "sortable" by clicking its header; filter rows with an input[data-filter=tableId].
(function () {
  function cellValue(row, i) {
    const c = row.cells[i]; if (!c) return "";
    const v = c.dataset.sort !== undefined ? c.dataset.sort : c.textContent.trim();
    const n = parseFloat(v.replace(/[,%]/g, ""));
    return isNaN(n) || !/^[-\d.,%\s]+$/.test(v) ? v : n;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, i) {
      th.addEventListener("click", function () {
        const body = table.tBodies[0], rows = Array.from(body.rows);
        const asc = th.dataset.dir !== "asc"; th.dataset.dir = asc ? "asc" : "desc";
        rows.sort(function (a, b) {
          const x = cellValue(a, i), y = cellValue(b, i);
          const r = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    const table = document.getElementById(input.dataset.filter);
    input.addEventListener("input", function () {
      const q = input.value.trim();
      Array.from(table.tBodies[0].rows).forEach(function (r) { r.hidden = q !== "" && !r.textContent.includes(q); });
    });
  });
})();
// A <select data-autosubmit> submits its form when changed (no inline script: the CSP forbids it).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
