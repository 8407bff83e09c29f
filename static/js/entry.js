/* Fast entry of paper answers (templates/surveys/answers/entry.html): each input is checked
   against its allowed values while typing, from the data-* attributes the server rendered:
     data-kind           single | multi | number | text
     data-allowed        the allowed values, "1 2 3 4 5" (single and multi)
     data-min, data-max  a number's bounds
     data-max-choices    the most options a multiple choice takes
     data-error, data-error-digits, data-error-max   the messages, already translated
   An invalid input gets aria-invalid="true", Bootstrap's is-invalid and its message in the
   element named "<name>-error". The server checks everything again: this only saves a round trip.
   Multiple choice: "1 3 5", "1,3,5", or "135" when every option is 1–9 (as the server parses it). */
(function () {
  "use strict";
  var form = document.querySelector("[data-entry-form]");
  if (!form) { return; }

  function tokens(input, raw) {
    var parts = raw.trim().split(/[\s,;]+/).filter(Boolean);
    var allowed = (input.dataset.allowed || "").split(" ").map(Number);
    if (parts.length === 1 && Math.max.apply(null, allowed) <= 9) { parts = parts[0].split(""); }
    return parts;
  }

  function problem(input) {
    var raw = input.value.trim();
    var kind = input.dataset.kind;
    if (!raw || kind === "text") { return ""; }
    var allowed = (input.dataset.allowed || "").split(" ").filter(Boolean);
    if (kind === "multi") {
      var parts = tokens(input, raw);
      if (!parts.every(function (t) { return /^[0-9]+$/.test(t); })) { return input.dataset.errorDigits; }
      var chosen = parts.map(function (t) { return String(Number(t)); })
        .filter(function (v, i, all) { return all.indexOf(v) === i; });
      if (!chosen.every(function (v) { return allowed.indexOf(v) >= 0; })) { return input.dataset.error; }
      var most = Number(input.dataset.maxChoices || 0);
      if (most && chosen.length > most) { return input.dataset.errorMax; }
      return "";
    }
    if (kind === "number") {
      if (!/^-?[0-9]+$/.test(raw)) { return input.dataset.errorDigits; }
      var n = Number(raw);
      return n < Number(input.dataset.min) || n > Number(input.dataset.max) ? input.dataset.error : "";
    }
    if (!/^[0-9]+$/.test(raw)) { return input.dataset.errorDigits; }
    return allowed.indexOf(String(Number(raw))) >= 0 ? "" : input.dataset.error;
  }

  function check(input) {
    var message = problem(input) || "";
    var box = document.getElementById(input.name + "-error");
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.classList.add("is-invalid");
    } else {
      input.removeAttribute("aria-invalid");
      input.classList.remove("is-invalid");
    }
    if (box) { box.textContent = message; }
    return !message;
  }

  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-kind]"));
  inputs.forEach(function (input) {
    input.addEventListener("input", function () { check(input); });
    input.addEventListener("blur", function () { check(input); });
  });

  // A QR scanner types the code then Enter: on the ma phiếu, Enter moves to the next input.
  form.querySelectorAll("[data-enter-next]").forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var next = inputs[0];
      if (next) { next.focus(); }
    });
  });

  var sent = false;
  form.addEventListener("submit", function (event) {
    var bad = inputs.filter(function (input) { return !check(input); });
    if (bad.length) {
      event.preventDefault();
      bad[0].focus();
      return;
    }
    // A second Enter while the first save is on its way: the server would store it once anyway.
    if (sent) { event.preventDefault(); }
    sent = true;
  });
})();
