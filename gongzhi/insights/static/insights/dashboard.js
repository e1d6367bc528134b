/* The dashboard's charts: reported and closed per day, and the category mix (ECharts). */
(function () {
  "use strict";
  var source = document.getElementById("insights-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  var trendEl = document.getElementById("chart-trend");
  if (trendEl) {
    var trend = echarts.init(trendEl);
    trend.setOption({
      color: ["#c8161d", "#1e88e5"],
      grid: { left: 40, right: 16, top: 30, bottom: 28 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.trend.days, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.reported, type: "line", smooth: true, showSymbol: false, data: data.trend.reported,
          areaStyle: { opacity: 0.08 } },
        { name: data.labels.closed, type: "line", smooth: true, showSymbol: false, data: data.trend.closed }
      ]
    });
    charts.push(trend);
  }
  var mixEl = document.getElementById("chart-mix");
  if (mixEl) {
    var mix = echarts.init(mixEl);
    mix.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.mix.slice(0, 10),
                 label: { formatter: "{b} {d}%" }, itemStyle: { borderColor: "#fff", borderWidth: 2 } }]
    });
    charts.push(mix);
  }
  document.body.dataset.chartsReady = "true";
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
