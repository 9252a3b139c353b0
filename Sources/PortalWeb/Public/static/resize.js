// Photos: a phone's picture (4000 × 3000, several megabytes) is reduced in the browser before it is sent, so it
// goes through a slow mobile connection and stays under the size limit. The longest side is brought down to the
// field's `data-resize` pixels and the image re-encoded as JPEG; smaller images, and browsers without canvas,
// send the file as chosen (the server checks it either way).
(function () {
  if (!window.DataTransfer || !window.createImageBitmap || !HTMLCanvasElement.prototype.toBlob) return;
  function shrink(file, max) {
    if (!/^image\/(jpeg|png)$/.test(file.type)) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
      if (scale === 1) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob) return resolve(file);
          resolve(new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }
  document.querySelectorAll("input[type=file][data-resize]").forEach(function (input) {
    var max = parseInt(input.getAttribute("data-resize"), 10);
    input.addEventListener("change", function () {
      if (input.dataset.resizing === "done") { input.dataset.resizing = ""; return; }
      var files = Array.prototype.slice.call(input.files);
      if (!files.length) return;
      var form = input.form, buttons = form ? form.querySelectorAll("button[type=submit]") : [];
      buttons.forEach(function (b) { b.disabled = true; });
      input.dataset.resizing = "busy";
      Promise.all(files.map(function (f) { return shrink(f, max); })).then(function (shrunk) {
        var list = new DataTransfer();
        shrunk.forEach(function (f) { list.items.add(f); });
        input.dataset.resizing = "done";
        input.files = list.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  });
})();
