// A wide table scrolls sideways inside its box; this says so above it ("scroll sideways for all N columns"),
// only while the table is wider than its box (checked again when the window changes size). The first column
// stays in place while the others scroll (custom.css). Nothing is fetched.
(function () {
  function cue(table) {
    var prev = table.previousElementSibling;
    var has = prev && prev.classList.contains("scroll-cue");
    var wide = table.scrollWidth > table.clientWidth + 1;
    if (wide && !has) {
      var p = document.createElement("p");
      p.className = "scroll-cue";
      var cols = table.querySelectorAll("thead tr:last-child th").length || table.rows[0].cells.length;
      p.textContent = "Scroll sideways for all " + cols + " columns \u2192 (the first stays in place)";
      table.parentNode.insertBefore(p, table);
    } else if (!wide && has) {
      prev.remove();
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
