// The region page's interactive charts (Apache ECharts, vendored): the ranking's sorted bars with the
// region's own value as a line, and a choropleth of the same indicator by county. Data come from
// <script type="application/json"> blocks the server wrote; nothing is fetched.
(function () {
  "use strict";
  function data(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function text(v, unit) {
    return v === null || v === undefined ? "无数据" : v.toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + (unit ? " " + unit : "");
  }
  const rank = data("ranking-data");
  if (!rank || !window.echarts) return;
  const grey = "#9aa5b1";
  const box = document.getElementById("ranking-chart");
  if (box) {
    const line = rank.region && rank.region.value !== null
      ? { symbol: "none", data: [{ yAxis: rank.region.value, name: rank.region.name }],
          label: { formatter: rank.region.name + " " + text(rank.region.value, rank.unit) }, lineStyle: { color: "#c62828" } }
      : undefined;
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      title: { text: rank.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return text(v, rank.unit); } },
      grid: { left: 70, right: 110, bottom: 40, top: 40 },
      xAxis: { type: "category", data: rank.names },
      yAxis: { type: "value", name: rank.unit },
      series: [{
        type: "bar", name: rank.title,
        data: rank.values.map(function (v, i) { return { value: v, itemStyle: { color: rank.complete[i] ? "#1d5fa8" : grey } }; }),
        markLine: line,
      }],
    });
    box.dataset.ready = "1";
  }
  const geo = data("map-data");
  const mapBox = document.getElementById("region-map");
  if (geo && mapBox) {
    echarts.registerMap("region-" + geo.region, geo);
    const known = {};
    rank.names.forEach(function (n, i) { if (rank.complete[i]) known[n] = rank.values[i]; });
    const values = Object.values(known).filter(function (v) { return v !== null; });
    const low = values.length ? Math.min.apply(null, values) : 0, high = values.length ? Math.max.apply(null, values) : 1;
    const colors = ["#deebf7", "#9ecae1", "#3182bd", "#08519c"];
    const map = echarts.init(mapBox, null, { renderer: "canvas" });
    map.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + (p.name in known ? text(known[p.name], rank.unit) : "数据不完整或无数据"); } },
      visualMap: { min: low, max: high === low ? low + 1 : high, calculable: true, left: "left", bottom: 10,
                   inRange: { color: rank.direction === "lower" ? colors.slice().reverse() : colors }, text: ["高", "低"] },
      series: [{
        type: "map", map: "region-" + geo.region, name: rank.title, label: { show: true },
        data: geo.features.map(function (f) { const n = f.properties.name; return { name: n, value: n in known ? known[n] : null }; }),
        itemStyle: { areaColor: "#eeeeee" },
      }],
    });
    mapBox.dataset.ready = "1";
  }
})();
