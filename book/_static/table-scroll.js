// A wide table scrolls sideways inside its box; this says so above it ("scroll sideways for all N columns"),
// only while the table is wider than its box (checked again when the window changes size). The first column
// stays in place while the others scroll (custom.css). Nothing is fetched.
(function () {
  function cue(table) {
    // one cue per table, kept right above it (the key-columns bar of table-tools.js may be inserted later)
    var p = table.infertrendsScrollCue;
    var wide = table.scrollWidth > table.clientWidth + 1;
    if (wide) {
      if (!p) {
        p = document.createElement("p");
        p.className = "scroll-cue";
        table.infertrendsScrollCue = p;
      }
      var heads = Array.prototype.slice.call(table.querySelectorAll("thead tr:last-child th"));
      var shown = heads.filter(function (th) { return th.offsetParent !== null; }).length;
      var cols = shown || heads.length || table.rows[0].cells.length;
      p.textContent = "Scroll sideways for all " + cols + " columns \u2192 (the first stays in place)";
      if (table.previousElementSibling !== p) { table.parentNode.insertBefore(p, table); }
    } else if (p) {
      p.remove();
      table.infertrendsScrollCue = null;
    }
  }
  function all() { document.querySelectorAll("table.table").forEach(cue); }
  window.infertrendsScrollCues = all;  // table-tools.js calls it after showing or hiding columns
  document.addEventListener("toggle", all, true);  // a folded table opened
  document.addEventListener("DOMContentLoaded", all);
  window.addEventListener("load", all);
  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(all, 150); });
})();
