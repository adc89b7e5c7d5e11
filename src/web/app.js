// kontaktnav: results as you type. The page works without this script (the form submits and
// the server renders the same results); with it, the results follow each keystroke.
"use strict";
(function () {
  var form = document.getElementById("search");
  var results = document.getElementById("results");
  if (!form || !results) { return; }
  var timer = null;
  var latest = 0;
  function update() {
    var params = new URLSearchParams(new FormData(form));
    var ticket = ++latest;
    fetch("/sok?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (res) {
        // 401: the session ran out; the fragment says so and links to the sign-in page.
        if (res.redirected || !(res.ok || res.status === 401)) { return Promise.reject(res.status); }
        return res.text();
      })
      .then(function (html) {
        if (ticket !== latest) { return; }
        results.innerHTML = html;
        var count = results.querySelector("[data-count]");
        var status = document.getElementById("status");
        if (status) { status.textContent = count ? count.textContent : ""; }
        history.replaceState(null, "", "/?" + params.toString());
      })
      .catch(function () { /* keep the last results; the form still works */ });
  }
  function soon() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(update, 150);
  }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
})();
// A number field shows, as it is typed, the number as it will be saved, or asks "Menade du …?"
// when it looks mistyped. Without this script the same block comes with the page after saving.
(function () {
  var fields = document.querySelectorAll("input[data-check]");
  Array.prototype.forEach.call(fields, function (field) {
    var block = field.parentNode.querySelector(".number-check");
    if (!block) { return; }
    var timer = null;
    var latest = 0;
    function update() {
      var ticket = ++latest;
      var params = new URLSearchParams({ nummer: field.value, ruta: field.getAttribute("data-check") });
      fetch("/nummer?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
        .then(function (html) { if (ticket === latest) { block.innerHTML = html; } })
        .catch(function () { /* keep the last answer; saving checks the number again */ });
    }
    field.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(update, 200);
    });
  });
})();
// An hours field shows, as it is typed, the hours as they will be saved, or why they cannot
// be read. Without this script the same block comes with the page after saving.
(function () {
  var fields = document.querySelectorAll("input[data-hours]");
  Array.prototype.forEach.call(fields, function (field) {
    var block = field.parentNode.querySelector(".hours-check");
    if (!block) { return; }
    var timer = null;
    var latest = 0;
    function update() {
      var ticket = ++latest;
      var params = new URLSearchParams({ tider: field.value });
      fetch("/telefontid?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
        .then(function (html) { if (ticket === latest) { block.innerHTML = html; } })
        .catch(function () { /* keep the last answer; saving reads the hours again */ });
    }
    field.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(update, 200);
    });
  });
})();
