/* The big screen: draws the charts and the grid map once, then refreshes every figure from the
 * JSON endpoint every 60 s (the page itself is never reloaded). */
(function () {
  "use strict";

  var root = document.getElementById("screen");
  var labels = JSON.parse(document.getElementById("screen-labels").textContent);
  var REFRESH_MS = (parseInt(root.dataset.refresh, 10) || 60) * 1000;
  var charts = {};
  var map = null, gridLayer = null, layersByCode = {};
  var openByGrid = {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // ------------------------------------------------------------------ figures
  function kpis(container, items) {
    container.replaceChildren();
    items.forEach(function (item) {
      var box = el("div", "gz-kpi");
      box.dataset.code = item.code;
      box.appendChild(el("div", "gz-kpi-name", item.name));
      var value = el("div", "gz-kpi-value", item.value);
      if (item.code === "overdue_now" && item.value !== "0") { value.classList.add("gz-alert"); }
      box.appendChild(value);
      box.appendChild(el("div", "gz-kpi-formula", item.ratio ? item.formula + " = " + item.ratio : item.formula));
      box.title = item.formula;
      container.appendChild(box);
    });
  }

  // ------------------------------------------------------------------ charts
  var AXIS = { axisLine: { lineStyle: { color: "#35557f" } }, axisLabel: { color: "#8aa4c8" },
               splitLine: { lineStyle: { color: "rgba(53, 85, 127, .35)" } } };

  function chart(id) {
    if (!charts[id]) {
      charts[id] = echarts.init(document.getElementById(id), "dark", { renderer: "canvas" });
    }
    return charts[id];
  }

  function drawTrend(trend) {
    chart("chart-trend").setOption({
      backgroundColor: "transparent",
      grid: { left: 40, right: 12, top: 28, bottom: 24 },
      legend: { top: 0, textStyle: { color: "#dbe8ff" } },
      tooltip: { trigger: "axis" },
      xAxis: Object.assign({ type: "category", data: trend.days, boundaryGap: false }, AXIS),
      yAxis: Object.assign({ type: "value", minInterval: 1 }, AXIS),
      series: [
        { name: labels.reported, type: "line", smooth: true, data: trend.reported, symbol: "none",
          lineStyle: { width: 2, color: "#4fc3f7" }, areaStyle: { color: "rgba(79, 195, 247, .15)" } },
        { name: labels.closed, type: "line", smooth: true, data: trend.closed, symbol: "none",
          lineStyle: { width: 2, color: "#ffd54f" }, areaStyle: { color: "rgba(255, 213, 79, .12)" } }
      ]
    });
  }

  function drawMix(items) {
    chart("chart-mix").setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["38%", "68%"], center: ["50%", "54%"], data: items,
                 label: { color: "#dbe8ff", formatter: "{b}\n{d}%" },
                 itemStyle: { borderColor: "#06101f", borderWidth: 2 } }]
    });
  }

  function drawTiers(items) {
    chart("chart-tiers").setOption({
      backgroundColor: "transparent",
      grid: { left: 90, right: 30, top: 8, bottom: 20 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: Object.assign({ type: "value", minInterval: 1 }, AXIS),
      yAxis: Object.assign({ type: "category", inverse: true, data: items.map(function (i) { return i.name; }) }, AXIS),
      series: [{ type: "bar", data: items.map(function (i) { return i.value; }), barMaxWidth: 22,
                 label: { show: true, position: "right", color: "#dbe8ff" },
                 itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 1, 0,
                   [{ offset: 0, color: "#1565c0" }, { offset: 1, color: "#4fc3f7" }]) } }]
    });
  }

  // ------------------------------------------------------------------ overdue list
  function drawOverdue(items, total) {
    document.getElementById("overdue-total").textContent = total;
    var list = document.getElementById("overdue-list");
    list.replaceChildren();
    if (!items.length) { list.appendChild(el("li", "gz-empty", labels.none)); return; }
    items.forEach(function (c) {
      var li = el("li");
      var link = el("a", null, c.number + " · " + c.category);
      link.href = c.url;
      li.appendChild(link);
      li.appendChild(el("span", "gz-late", c.late));
      li.appendChild(el("span", "gz-meta", c.place + " · " + c.holder + " · " + c.status));
      list.appendChild(li);
    });
  }

  // ------------------------------------------------------------------ map
  function heat(n, max) {
    if (!n) { return "#17406b"; }
    var t = max > 0 ? Math.min(1, n / max) : 0;
    var stops = t < 0.5 ? [[23, 64, 107], [249, 168, 37], t / 0.5] : [[249, 168, 37], [229, 57, 53], (t - 0.5) / 0.5];
    var a = stops[0], b = stops[1], f = stops[2];
    var c = [0, 1, 2].map(function (i) { return Math.round(a[i] + (b[i] - a[i]) * f); });
    return "rgb(" + c.join(",") + ")";
  }

  function maxOpen() {
    var max = 0;
    Object.keys(openByGrid).forEach(function (k) { if (openByGrid[k] > max) { max = openByGrid[k]; } });
    return max;
  }

  function styleFor(code) {
    var n = openByGrid[code] || 0;
    return { className: "grid-polygon", color: "#4fc3f7", weight: 1, opacity: 0.6,
             fillColor: heat(n, maxOpen()), fillOpacity: n ? 0.75 : 0.35 };
  }

  function restyle() {
    document.getElementById("legend-max").textContent = maxOpen();
    Object.keys(layersByCode).forEach(function (code) {
      var layer = layersByCode[code];
      layer.setStyle(styleFor(code));
      var path = layer.getElement && layer.getElement();
      if (path) { path.setAttribute("data-open", String(openByGrid[code] || 0)); }
    });
  }

  // The panels settle their size once the figures are in: size the map again and fit the grids.
  function fit() {
    if (!map) { return; }
    map.invalidateSize();
    if (gridLayer && gridLayer.getLayers().length) {
      map.fitBounds(gridLayer.getBounds(), { padding: [8, 8] });
    } else {
      map.setView([40.958, 117.79], 11);
    }
  }

  function drawMap(data) {
    map = L.map("screen-map", { zoomSnap: 0.25, attributionControl: false, zoomControl: true });
    gridLayer = L.geoJSON(data, {
      style: function (feature) { return styleFor(feature.properties.code); },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        layersByCode[p.code] = layer;
        layer.bindTooltip(function () {
          return p.name + " · " + (openByGrid[p.code] || 0) + " " + labels.open;
        }, { sticky: true, className: "gz-screen-tip" });
      }
    }).addTo(map);
    fit();
    gridLayer.eachLayer(function (layer) {
      var path = layer.getElement && layer.getElement();
      if (path && layer.feature) { path.setAttribute("data-code", layer.feature.properties.code); }
    });
    restyle();
    root.dataset.mapReady = "true";
  }

  function loadMap() {
    return fetch(root.dataset.gridsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(drawMap);
  }

  // ------------------------------------------------------------------ refresh
  function apply(data) {
    kpis(document.getElementById("kpi-today"), data.today);
    kpis(document.getElementById("kpi-month"), data.month);
    drawTrend(data.trend);
    drawMix(data.categories);
    drawTiers(data.tiers);
    drawOverdue(data.overdue, data.overdue_total);
    openByGrid = data.open_by_grid || {};
    if (map) {
      restyle();
      if (!root.dataset.refreshed) { fit(); }
    }
    document.getElementById("updated-at").textContent = data.updated_at;
    document.getElementById("status").textContent = "";
    root.dataset.refreshed = String((parseInt(root.dataset.refreshed || "0", 10)) + 1);
  }

  function refresh() {
    return fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(apply)
      .catch(function () { document.getElementById("status").textContent = labels.failed; });
  }

  function tick() {
    var now = new Date();
    document.getElementById("clock").textContent = now.toLocaleDateString() + " " + now.toLocaleTimeString();
  }

  document.getElementById("fullscreen").addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    if (map) { map.invalidateSize(); }
  });

  tick();
  setInterval(tick, 1000);
  Promise.all([refresh(), loadMap().catch(function () {
    document.getElementById("status").textContent = labels.failed;
  })]).then(function () { root.dataset.ready = "true"; });
  setInterval(refresh, REFRESH_MS);
})();
