/* Maps of the case pages, drawn with Leaflet over a blank background (tiles only when configured).
 *
 * #case-map     one case: its position and its grid; redrawn when htmx swaps the case panel.
 * #command-map  the command centre's open cases, coloured by their traffic light, over the grids.
 */
(function () {
  "use strict";

  var GRID_STYLE = { color: "#c8161d", weight: 2, opacity: 0.8, fillColor: "#e53935", fillOpacity: 0.08, interactive: false };
  var LIGHT_COLOURS = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", none: "#607d8b" };

  function message(el, text) {
    var box = document.createElement("div");
    box.className = "gz-map-message";
    box.textContent = text;
    el.appendChild(box);
  }

  function baseMap(el) {
    var map = L.map(el, { zoomSnap: 0.5, attributionControl: Boolean(el.dataset.tileUrl), preferCanvas: true });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function caseMap(el) {
    if (el.dataset.ready) { return; }
    if (typeof L === "undefined") { message(el, el.dataset.labelFailed || ""); return; }
    var source = document.getElementById(el.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var map = baseMap(el);
    // The view first: a canvas renderer cannot draw into a map that has none yet.
    var grid = L.geoJSON(data.grid, { style: function () { return GRID_STYLE; } });
    if (grid.getLayers().length) {
      map.fitBounds(grid.getBounds().extend([data.lat, data.lng]), { padding: [16, 16], maxZoom: 17 });
    } else {
      map.setView([data.lat, data.lng], 17);
    }
    grid.addTo(map);
    L.circleMarker([data.lat, data.lng], { radius: 9, color: "#fff", weight: 3, fillColor: "#c8161d", fillOpacity: 1 })
      .addTo(map);
    el.dataset.ready = "true";
  }

  function loadGrids(map, el, fit) {
    var urls = (el.dataset.gridUrls || "").split(" ").filter(Boolean);
    var left = urls.length;
    var bounds = null;
    if (!left) { el.dataset.ready = "true"; return; }
    urls.forEach(function (url) {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (data) {
          var layer = L.geoJSON(data, { style: function () { return GRID_STYLE; } }).addTo(map);
          layer.bringToBack();
          if (layer.getLayers().length) { bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds(); }
        })
        .catch(function () { /* the cases are drawn without the grids */ })
        .then(function () {
          left -= 1;
          if (left === 0) {
            if (fit && bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16] }); }
            el.dataset.ready = "true";
          }
        });
    });
  }

  function popup(m, labels) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.number;
    link.className = "fw-semibold font-monospace";
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(m.category + " · " + m.status));
    if (labels[m.light]) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(labels[m.light]));
    }
    return box;
  }

  function commandMap(el) {
    if (el.dataset.ready) { return; }
    if (typeof L === "undefined") { message(el, el.dataset.labelFailed || ""); return; }
    var markers = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var labels = { green: el.dataset.labelGreen, yellow: el.dataset.labelYellow, red: el.dataset.labelRed };
    var map = baseMap(el);
    if (markers.length) {
      map.fitBounds(L.latLngBounds(markers.map(function (m) { return [m.lat, m.lng]; })), { padding: [24, 24], maxZoom: 16 });
    } else {
      map.setView([40.958, 117.79], 12);
    }
    var layer = L.featureGroup().addTo(map);
    // Red last, so that overdue cases are drawn on top.
    var order = { none: 0, green: 1, yellow: 2, red: 3 };
    markers.slice().sort(function (a, b) { return order[a.light] - order[b.light]; }).forEach(function (m) {
      L.circleMarker([m.lat, m.lng], {
        radius: m.light === "red" ? 7 : 6, color: "#fff", weight: 1.5,
        fillColor: LIGHT_COLOURS[m.light] || LIGHT_COLOURS.none, fillOpacity: 0.9, className: "gz-case-dot gz-case-" + m.light
      }).bindPopup(popup(m, labels)).addTo(layer);
    });
    loadGrids(map, el, !markers.length);
  }

  function init(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("#case-map").forEach(caseMap);
    document.querySelectorAll("#command-map").forEach(commandMap);
  }

  if (window.htmx) {
    // Runs for the page once loaded and again for every panel htmx swaps in.
    window.htmx.onLoad(function (el) { init(el.parentNode || document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
