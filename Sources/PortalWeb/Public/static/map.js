// « Point sur une carte »: a Leaflet map above the latitude and longitude inputs. Touching the map places the
// point and fills the inputs; typing in them moves the point. The inputs stay the answer: without this script,
// or without Leaflet, they are the question.
(function () {
  if (!window.L) return;
  var lyon = [45.764, 4.8357];
  document.querySelectorAll(".map[data-lat]").forEach(function (box) {
    var lat = document.getElementById(box.getAttribute("data-lat"));
    var lon = document.getElementById(box.getAttribute("data-lon"));
    if (!lat || !lon) return;
    box.hidden = false;
    function typed() {
      var a = parseFloat(lat.value.replace(",", ".")), o = parseFloat(lon.value.replace(",", "."));
      return isNaN(a) || isNaN(o) ? null : [a, o];
    }
    var start = typed();
    var map = L.map(box).setView(start || lyon, start ? 17 : 12);
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "© contributeurs OpenStreetMap"
    }).addTo(map);
    var marker = start ? L.marker(start).addTo(map) : null;
    function place(point) {
      if (marker) marker.setLatLng(point); else marker = L.marker(point).addTo(map);
    }
    map.on("click", function (e) {
      place(e.latlng);
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
    });
    function moved() { var p = typed(); if (p) { place(p); map.panTo(p); } }
    lat.addEventListener("change", moved);
    lon.addEventListener("change", moved);
  });
})();
