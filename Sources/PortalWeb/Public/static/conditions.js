// Live conditions: when an answer changes, ask the server which questions of this page now apply, and show or
// hide them. The server evaluates the same conditions it enforces on submission; without this script the page
// still works (a question that starts to apply is asked when the page is sent).
(function () {
  var form = document.querySelector("form[data-live]");
  if (!form || !window.fetch) return;
  var pending = null;
  function refresh() {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (typeof value === "string") body.append(key, value); });
    fetch(form.getAttribute("data-live"), { method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer) return;
        answer.visible.forEach(function (id) { var b = document.getElementById("bloc-" + id); if (b) b.hidden = false; });
        answer.hidden.forEach(function (id) { var b = document.getElementById("bloc-" + id); if (b) b.hidden = true; });
      })
      .catch(function () {});
  }
  // Every request with a session cookie writes the session back when it ends (Vapor's sessions), so a check
  // still running when the page is sent could put back the answers as they were before it. Never start one
  // once the form is being sent: the change event of the last field fires just before the submit.
  var sending = false;
  form.addEventListener("submit", function () { sending = true; clearTimeout(pending); });
  form.addEventListener("change", function () {
    clearTimeout(pending);
    if (!sending) pending = setTimeout(refresh, 150);
  });
})();
