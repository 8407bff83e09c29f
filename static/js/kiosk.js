// A kiosk's form goes back to the start when nobody has touched it for the kiosk's idle time
// (data-idle-seconds on <body>), so that the next citizen never finds half-answered questions.
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var start = body.getAttribute("data-start-url");
  if (!seconds || !start) {
    return;
  }
  var timer = null;
  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      window.location.replace(start);
    }, seconds * 1000);
  }
  ["pointerdown", "touchstart", "keydown", "input", "change", "scroll", "wheel"].forEach(function (name) {
    document.addEventListener(name, restart, { capture: true, passive: true });
  });
  restart();
})();
