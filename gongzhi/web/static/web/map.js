/* gongzhi maps: draw grid polygons with Leaflet over a blank background (tiles only when configured).
 *
 * The container says where its data comes from: data-geojson-url (fetched) or data-geojson-script
 * (the id of a json_script element). Each polygon's SVG path gets the class "grid-polygon" and a
 * data-code attribute; with data-clickable a click opens the grid's page.
 */
(function () {
  "use strict";

  var STYLE = { className: "grid-polygon", color: "#c8161d", weight: 2, opacity: 0.9,
                fillColor: "#e53935", fillOpacity: 0.15 };
  var HOVER = { weight: 3, fillOpacity: 0.4 };

  function message(el, text) {
    var box = document.createElement("div");
    box.className = "gz-map-message";
    box.textContent = text;
    el.appendChild(box);
  }

  function tooltipFor(props, householdsLabel) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = props.name;
    box.appendChild(name);
    if (props.households !== undefined) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(props.households + " " + householdsLabel));
    }
    return box;
  }

  function linkList(layersByCode) {
    document.querySelectorAll("[data-grid-code]").forEach(function (item) {
      var layer = layersByCode[item.dataset.gridCode];
      if (!layer) { return; }
      item.addEventListener("mouseenter", function () { layer.setStyle(HOVER); layer.bringToFront(); });
      item.addEventListener("mouseleave", function () { layer.setStyle(STYLE); });
      layer.on("mouseover", function () { item.classList.add("gz-hover"); });
      layer.on("mouseout", function () { item.classList.remove("gz-hover"); });
    });
  }

  function draw(el, data) {
    var clickable = el.dataset.clickable === "true";
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: Boolean(el.dataset.tileUrl) });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    if (!clickable) { el.classList.add("gz-map-static"); }
    var layersByCode = {};
    var layer = L.geoJSON(data, {
      style: function () { return STYLE; },
      onEachFeature: function (feature, lyr) {
        var props = feature.properties || {};
        layersByCode[props.code] = lyr;
        lyr.bindTooltip(tooltipFor(props, el.dataset.labelHouseholds || ""), { sticky: true });
        lyr.on("mouseover", function () { lyr.setStyle(HOVER); });
        lyr.on("mouseout", function () { lyr.setStyle(STYLE); });
        if (clickable && props.url) {
          lyr.on("click", function () { window.location.assign(props.url); });
        }
      }
    }).addTo(map);
    if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), { padding: [16, 16] });
    } else {
      map.setView([40.958, 117.79], 12);
      message(el, el.dataset.labelEmpty || "");
    }
    // The paths exist once the map has a view (Leaflet defers drawing until then).
    layer.eachLayer(function (lyr) {
      var path = lyr.getElement && lyr.getElement();
      var props = lyr.feature && lyr.feature.properties;
      if (path && props) {
        path.setAttribute("data-code", props.code);
        path.setAttribute("aria-label", props.name);
      }
    });
    linkList(layersByCode);
    el.dataset.ready = "true";
    return map;
  }

  function init(el) {
    if (typeof L === "undefined") { message(el, el.dataset.labelFailed || ""); return; }
    if (el.dataset.geojsonScript) {
      var script = document.getElementById(el.dataset.geojsonScript);
      draw(el, JSON.parse(script.textContent));
      return;
    }
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { draw(el, data); })
      .catch(function () { message(el, el.dataset.labelFailed || ""); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#grid-map").forEach(init);
  });
})();
