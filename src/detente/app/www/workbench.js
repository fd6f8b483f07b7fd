// detente workbench: draws the charts (Vega-Lite specifications in data-spec
// attributes) once the offline chart library has set window.vegaEmbed.
(function () {
  "use strict";
  var opts = { actions: false, renderer: "svg", ast: true };
  function draw() {
    if (typeof window.vegaEmbed !== "function") { return false; }
    var charts = document.querySelectorAll("div.wb-chart[data-spec]:not([data-drawn])");
    charts.forEach(function (el) {
      el.setAttribute("data-drawn", "pending");
      var spec;
      try {
        spec = JSON.parse(el.getAttribute("data-spec"));
      } catch (err) {
        el.textContent = "This chart could not be read: " + err;
        el.setAttribute("data-drawn", "error");
        return;
      }
      el.textContent = "";
      window.vegaEmbed(el, spec, opts).then(
        function () { el.setAttribute("data-drawn", "yes"); },
        function (err) {
          el.textContent = "This chart could not be drawn: " + err;
          el.setAttribute("data-drawn", "error");
        }
      );
    });
    return true;
  }
  var waiting = false;
  function tick() {
    if (draw()) { waiting = false; return; }
    if (!waiting) { waiting = true; }
    setTimeout(tick, 150);
  }
  function start() {
    new MutationObserver(function () { if (!waiting) { tick(); } })
      .observe(document.body, { childList: true, subtree: true });
    tick();
  }
  function loadLibrary() {
    if (document.getElementById("wb-vega")) { return; }
    var s = document.createElement("script");
    s.type = "module";
    s.id = "wb-vega";
    s.src = "/vendor/vega.js";
    document.head.appendChild(s);
  }
  if (document.readyState === "complete") {
    loadLibrary();
  } else {
    window.addEventListener("load", loadLibrary);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
