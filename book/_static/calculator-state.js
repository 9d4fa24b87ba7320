// The in-page calculator (#fig-calculator): its settings in the page's address, so that a link shares a case,
// and a button that resets every control to its start. Wraps vegaEmbed, which Altair's output calls by name.
(function () {
  "use strict";
  var FIGURE = "#fig-calculator";

  function boundParams(spec) {
    var layers = (spec.layer || []).map(function (l) { return l.params || []; });
    var all = (spec.params || []).concat([].concat.apply([], layers));
    var seen = {};
    return all.filter(function (p) {
      if (!p.bind || seen[p.name]) { return false; }
      seen[p.name] = true;
      return true;
    });
  }

  function parse(p, text) {
    // a value from the address, or undefined when it is not one the control allows
    if (p.bind.input === "range") {
      var x = Number(text);
      return isFinite(x) && x >= p.bind.min && x <= p.bind.max ? x : undefined;
    }
    var found;
    (p.bind.options || []).forEach(function (o) { if (String(o) === text) { found = o; } });
    return found;
  }

  function attach(el, spec, view) {
    var host = typeof el === "string" ? document.querySelector(el) : el;
    var figure = host && host.closest ? host.closest(FIGURE) : null;
    if (!figure) { return; }
    var params = boundParams(spec);
    var start = {};
    params.forEach(function (p) { start[p.name] = p.value; });
    var query = new URLSearchParams(window.location.search);
    params.forEach(function (p) {
      if (query.has(p.name)) {
        var v = parse(p, query.get(p.name));
        if (v !== undefined) { view.signal(p.name, v); }
      }
    });
    function save() {
      var q = new URLSearchParams(window.location.search);
      params.forEach(function (p) {
        var v = view.signal(p.name);
        if (v === start[p.name]) { q.delete(p.name); } else { q.set(p.name, String(v)); }
      });
      var s = q.toString();
      window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : "") + window.location.hash);
    }
    params.forEach(function (p) { view.addSignalListener(p.name, save); });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "calculator-reset";
    button.textContent = "Reset every control";
    button.addEventListener("click", function () {
      params.forEach(function (p) { view.signal(p.name, start[p.name]); });
      view.runAsync().then(save);
    });
    host.insertAdjacentElement("afterend", button);
    return view.runAsync();
  }

  function wrap(embed) {
    return function (el, spec, opt) {
      return embed(el, spec, opt).then(function (res) {
        var done = attach(el, spec, res.view);
        return done ? done.then(function () { return res; }) : res;
      });
    };
  }

  if (typeof window.vegaEmbed === "function") { window.vegaEmbed = wrap(window.vegaEmbed); }
})();
