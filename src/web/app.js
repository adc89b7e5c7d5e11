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
// A field that is checked as it is typed: a number shows how it will be saved, or asks
// "Menade du …?" when it looks mistyped (`/nummer`); telephone hours show how they will be
// saved, or why they cannot be read (`/telefontid`). Without this script the same block comes
// with the page after saving.
(function () {
  function live(selector, blockClass, path, params) {
    var fields = document.querySelectorAll(selector);
    Array.prototype.forEach.call(fields, function (field) {
      var block = field.parentNode.querySelector(blockClass);
      if (!block) { return; }
      var timer = null;
      var latest = 0;
      function update() {
        var ticket = ++latest;
        var query = new URLSearchParams(params(field));
        fetch(path + "?" + query.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
          .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
          .then(function (html) { if (ticket === latest) { block.innerHTML = html; } })
          .catch(function () { /* keep the last answer; saving checks the field again */ });
      }
      field.addEventListener("input", function () {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(update, 200);
      });
    });
  }
  live("input[data-check]", ".number-check", "/nummer", function (field) {
    return { nummer: field.value, ruta: field.getAttribute("data-check") };
  });
  live("input[data-hours]", ".hours-check", "/telefontid", function (field) {
    return { tider: field.value };
  });
})();
