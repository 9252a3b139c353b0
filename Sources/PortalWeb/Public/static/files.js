// Files: a file over the question's size limit is refused beside the field as soon as it is chosen, before a
// long upload that the server would refuse anyway (and, over the whole form's limit, could not even read, so the
// page's answers would be lost). The server checks every file again; this only saves the trip.
// Loaded after resize.js: a photo is judged once reduced (resize.js marks the input "busy" meanwhile).
(function () {
  function size(bytes) {
    return bytes >= 1000000 ? Math.floor(bytes / 1000000) + " Mo" : Math.max(1, Math.floor(bytes / 1000)) + " ko";
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!max) return;
    var id = input.id.replace(/^champ-/, "");
    input.addEventListener("change", function () {
      if (input.dataset.resizing === "busy") return;
      var tooBig = Array.prototype.filter.call(input.files, function (f) { return f.size > max; })[0];
      var message = document.getElementById("erreur-" + id);
      if (!tooBig) {
        if (message && message.dataset.fromScript) { message.remove(); input.removeAttribute("aria-invalid"); }
        return;
      }
      if (!message) {
        message = document.createElement("p");
        message.className = "error";
        message.id = "erreur-" + id;
        message.dataset.fromScript = "1";
        input.parentNode.insertBefore(message, input);
        input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "") + " " + message.id);
      }
      message.textContent = "Ce fichier dépasse " + size(max) + " (« " + tooBig.name + " » fait " + size(tooBig.size) +
        ") : choisissez-en un plus petit.";
      message.setAttribute("role", "alert");
      input.setAttribute("aria-invalid", "true");
      input.value = "";
      input.focus();
    });
  });
})();
