// Two tools for the book's tables, nothing fetched:
// 1. Key columns. A table marked "key-cols kc-0 kc-3 ..." (export.show_table(key=...)) shows only those columns
//    where the whole table would be wider than its box (a phone, or many columns), with a button above it to
//    show all columns (and back); a table that fits whole shows whole, without the button. Printing shows every
//    column.
// 2. Sorting. A table with more than 10 rows sorts by a column when its header is clicked (again: the other way);
//    numbers sort as numbers ("1,039.8", "×1.8", "12 %"), empty cells last.
(function () {
  function cells(table, i) {
    return Array.prototype.map.call(table.querySelectorAll("tr"), function (tr) { return tr.cells[i]; })
      .filter(Boolean);
  }

  function keyColumns(table) {
    var keys = {};
    table.className.split(/\s+/).forEach(function (c) {
      var m = /^kc-(\d+)$/.exec(c);
      if (m) keys[+m[1]] = true;
    });
    var head = table.querySelector("thead tr:last-child") || table.rows[0];
    var n = head ? head.cells.length : 0;
    if (n === 0 || Object.keys(keys).length >= n) return;
    var bar = document.createElement("p");
    bar.className = "key-cols-bar";
    var note = document.createElement("span");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "key-cols-toggle";
    bar.appendChild(note);
    bar.appendChild(button);
    table.parentNode.insertBefore(bar, table);
    function show(keyOnly) {
      for (var i = 0; i < n; i++) {
        if (keys[i]) continue;
        cells(table, i).forEach(function (td) { td.classList.toggle("kc-hidden", keyOnly); });
      }
      note.textContent = keyOnly ? "Key columns (" + Object.keys(keys).length + " of " + n + "). " : "All " + n + " columns. ";
      button.textContent = keyOnly ? "Show all " + n + " columns" : "Show the key columns only";
      button.setAttribute("aria-pressed", keyOnly ? "false" : "true");
      table.dataset.keyOnly = keyOnly ? "1" : "0";
      if (window.infertrendsScrollCues) window.infertrendsScrollCues();
    }
    var chosen = false;
    button.addEventListener("click", function () { chosen = true; show(table.dataset.keyOnly !== "1"); });
    function decide() {  // key columns first only where the whole table does not fit (until the reader chooses)
      if (chosen || table.getBoundingClientRect().width === 0) return;
      show(false);
      var wide = table.scrollWidth > table.clientWidth + 1;
      bar.hidden = !wide;  // a table that fits whole needs no choice
      show(wide);
    }
    decide();
    var fold = table.closest("details");
    if (fold) fold.addEventListener("toggle", decide);
  }

  function value(td) {
    var text = (td ? td.textContent : "").replace(/\[[^\]]*\]/g, "").replace(/[\s,\u00d7%~\u2248]/g, "");
    if (text === "") return null;
    return /^[-\u2212+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? parseFloat(text.replace("\u2212", "-")) : text;
  }

  function sortable(table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length <= 10 || !table.tHead) return;
    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      th.classList.add("sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", "Sort by this column");
      function sort() {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        var vals = rows.map(function (r) { return value(r.cells[i]); });
        var numeric = vals.every(function (v) { return v === null || typeof v === "number"; });
        var order = rows.map(function (r, k) { return k; });
        order.sort(function (a, b) {
          var x = vals[a], y = vals[b];
          if (x === null || y === null) return x === y ? a - b : (x === null ? 1 : -1);  // empty cells last
          var c = numeric ? x - y : String(x).localeCompare(String(y), undefined, {numeric: true});
          return (up ? c : -c) || a - b;
        });
        // one replacement, not a move per row: moving 1,368 rows one by one took the browser 6 s to lay out again
        body.replaceChildren.apply(body, order.map(function (k) { return rows[k]; }));
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.table").forEach(function (table) {
      sortable(table);
      if (table.classList.contains("key-cols")) keyColumns(table);
    });
  });
})();
