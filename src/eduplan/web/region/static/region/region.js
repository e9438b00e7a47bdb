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
    // Areas are matched by 区划代码 (names may repeat across counties); labels and tooltips show the names.
    const names = {}, known = {};
    geo.areas.forEach(function (a) { names[a.unit] = a.name; if (a.value !== null) known[a.unit] = a.value; });
    const all = Object.values(known).concat(geo.points.filter(function (p) { return p.value !== null; }).map(function (p) { return p.value; }));
    const low = all.length ? Math.min.apply(null, all) : 0, high = all.length ? Math.max.apply(null, all) : 1;
    const colors = ["#deebf7", "#9ecae1", "#3182bd", "#08519c"];
    const mapName = "region-" + geo.region + "-" + geo.level;
    echarts.registerMap(mapName, geo);
    const series = [{
      type: "map", map: mapName, nameProperty: "code", name: rank.title, geoIndex: 0,
      data: geo.areas.map(function (a) { return { name: a.unit, value: a.unit in known ? known[a.unit] : null }; }),
    }];
    if (geo.points.length) {
      series.push({
        type: "scatter", coordinateSystem: "geo", geoIndex: 0, symbolSize: 6, name: "学校",
        data: geo.points.map(function (p) { return { name: p.name, value: [p.longitude, p.latitude, p.value] }; }),
      });
    }
    const map = echarts.init(mapBox, null, { renderer: "canvas" });
    map.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.seriesType === "scatter") return p.name + "：" + text(p.value[2], rank.unit);
        return (names[p.name] || p.name) + "：" + (p.name in known ? text(known[p.name], rank.unit) : "数据不完整或无数据");
      } },
      geo: { map: mapName, nameProperty: "code", roam: true, itemStyle: { areaColor: "#eeeeee", borderColor: "#666666" },
             label: { show: true, formatter: function (p) { return names[p.name] || ""; } } },
      visualMap: { min: low, max: high === low ? low + 1 : high, calculable: true, left: "left", bottom: 10, dimension: undefined,
                   seriesIndex: geo.points.length ? [0, 1] : [0],
                   inRange: { color: rank.direction === "lower" ? colors.slice().reverse() : colors }, text: ["高", "低"] },
      series: series,
    });
    mapBox.dataset.ready = "1";
  }
})();
