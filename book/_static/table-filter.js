// A filter box above every long table (more than 30 rows): typing keeps the rows that contain every
// word typed (case-insensitive, in any column) and says how many are shown. Nothing is fetched.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.table:not(.ledger-table)").forEach(function (table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    if (rows.length <= 30) return;
    var box = document.createElement("div");
    box.className = "table-filter";
    var input = document.createElement("input");
    input.type = "search";
    var n = rows.length.toLocaleString("en-US");
    input.placeholder = "Filter the " + n + " rows (e.g. H100 bert Offline)";
    input.setAttribute("aria-label", "Filter the rows of this table");
    var count = document.createElement("span");
    count.className = "table-filter-count";
    count.setAttribute("aria-live", "polite");
    box.appendChild(input);
    box.appendChild(count);
    table.parentNode.insertBefore(box, table);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (tr) {
        var text = tr.textContent.toLowerCase();
        var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
        tr.style.display = keep ? "" : "none";
        shown += keep ? 1 : 0;
      });
      count.textContent = words.length ? shown.toLocaleString("en-US") + " of " + n + " rows" : "";
    });
  });
});
