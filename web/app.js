// The live dashboard: one EventSource on /api/stream, one /api/stats
// document per second, rendered into KPIs, uPlot charts and tables.
"use strict";

const $ = (id) => document.getElementById(id);
const key = new URLSearchParams(location.search).get("key");
const withKey = (path) => (key ? `${path}?api_key=${encodeURIComponent(key)}` : path);

const fmt = {
  rate: (v) => (v >= 1e6 ? (v / 1e6).toFixed(2) + "M" : v >= 1e3 ? (v / 1e3).toFixed(1) + "k" : v.toFixed(v < 10 ? 1 : 0)),
  int: (v) => Number(v).toLocaleString("en-US"),
  pct: (v) => (v * 100).toFixed(v < 0.1 ? 2 : 1) + "%",
  ms: (v) => (v >= 1000 ? (v / 1000).toFixed(2) + "s" : v.toFixed(v < 10 ? 1 : 0) + "ms"),
  time: (iso) => iso.replace("T", " ").replace(/\.\d+Z$/, "Z"),
};

const COLORS = {
  TRACE: "#6e7681", DEBUG: "#8b98a5", INFO: "#58a6ff", NOTICE: "#a5d6ff",
  WARN: "#d29922", ERROR: "#f85149", FATAL: "#ff7b72",
  "1xx": "#8b98a5", "2xx": "#3fb950", "3xx": "#58a6ff", "4xx": "#d29922", "5xx": "#f85149",
};

const charts = {};

function makeChart(id, series) {
  const el = $(id);
  const opts = {
    width: Math.max(el.clientWidth, 300),
    height: 200,
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, fill: s.fill }))],
    axes: [
      { stroke: "#8b98a5", grid: { stroke: "#263341" }, ticks: { stroke: "#263341" } },
      { stroke: "#8b98a5", grid: { stroke: "#263341" }, ticks: { stroke: "#263341" }, size: 60 },
    ],
    scales: { x: { time: true } },
    legend: { live: false },
  };
  const data = [[], ...series.map(() => [])];
  return new uPlot(opts, data, el);
}

function setupCharts() {
  charts.rate = makeChart("chart-rate", [
    { label: "lines/s", color: "#58a6ff", fill: "rgba(88,166,255,.15)" },
    { label: "requests/s", color: "#3fb950" },
  ]);
  charts.levels = makeChart("chart-levels", ["DEBUG", "INFO", "WARN", "ERROR", "FATAL"].map((l) => ({ label: l, color: COLORS[l] })));
  charts.status = makeChart("chart-status", ["2xx", "3xx", "4xx", "5xx"].map((c) => ({ label: c, color: COLORS[c] })));
  charts.latency = makeChart("chart-latency", [
    { label: "P50", color: "#3fb950" },
    { label: "P95", color: "#d29922" },
    { label: "P99", color: "#f85149" },
  ]);
  window.addEventListener("resize", () => {
    for (const c of Object.values(charts)) c.setSize({ width: c.root.parentElement.clientWidth, height: 200 });
  });
}

function rows(tbody, items, cells) {
  tbody.replaceChildren(
    ...items.map((item) => {
      const tr = document.createElement("tr");
      for (const [text, cls] of cells(item)) {
        const td = document.createElement("td");
        td.textContent = text;
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      return tr;
    }),
  );
}

function render(stats) {
  const w = stats.windows[$("window").value];
  $("kpi-lines").textContent = fmt.rate(w.lines_per_second);
  $("kpi-rps").textContent = fmt.rate(w.requests_per_second);
  $("kpi-errors").textContent = w.requests ? fmt.pct(w.error_rate) : "–";
  $("kpi-errors").className = "value " + (w.error_rate > 0.1 ? "status-critical" : w.error_rate > 0.05 ? "status-warning" : "");
  $("kpi-latency").textContent = w.response_ms.count
    ? `${fmt.ms(w.response_ms.p50)} / ${fmt.ms(w.response_ms.p95)} / ${fmt.ms(w.response_ms.p99)}`
    : "–";
  $("kpi-slow").textContent = fmt.int(w.slow_requests);
  $("kpi-total").textContent = fmt.int(stats.pipeline.processed_lines);
  $("updated").textContent = "updated " + fmt.time(stats.time);

  const s = stats.series;
  const step = s.step_seconds;
  const perSec = (a) => a.map((v) => v / step);
  const nullZero = (a, counts) => a.map((v, i) => (counts[i] ? v : null));
  charts.rate.setData([s.t, perSec(s.lines), perSec(s.requests)]);
  charts.levels.setData([s.t, ...["DEBUG", "INFO", "WARN", "ERROR", "FATAL"].map((l) => s.levels[l])]);
  charts.status.setData([s.t, ...["2xx", "3xx", "4xx", "5xx"].map((c) => s.status_classes[c])]);
  charts.latency.setData([s.t, nullZero(s.p50, s.requests), nullZero(s.p95, s.requests), nullZero(s.p99, s.requests)]);

  const p = stats.pipeline;
  $("gauge-queue").style.width = (p.queue_usage * 100).toFixed(1) + "%";
  $("gauge-queue").style.background = p.queue_usage > 0.8 ? "var(--crit)" : p.queue_usage > 0.5 ? "var(--warn)" : "var(--accent)";
  $("queue-text").textContent = `${fmt.int(p.queue_lines)} / ${fmt.int(p.queue_capacity_lines)}`;
  $("gauge-workers").style.width = ((p.workers / Math.max(1, p.max_workers)) * 100).toFixed(0) + "%";
  $("workers-text").textContent = `${p.workers} of ${p.min_workers}–${p.max_workers}`;
  const facts = [
    ["Processing", fmt.rate(p.processing_rate) + " lines/s"],
    ["Accepted", fmt.int(p.accepted_lines)],
    ["Rejected (429)", fmt.int(p.rejected_lines)],
    ["Dropped", fmt.int(p.dropped_lines)],
    ["Malformed", fmt.int(p.malformed_lines)],
    ["Database", !p.database.enabled ? "off" : p.database.healthy ? `ok, ${fmt.int(p.database.rows_written)} rows` : "UNAVAILABLE"],
  ];
  $("pipeline-facts").replaceChildren(
    ...facts.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      return [dt, dd];
    }),
  );

  renderCluster(stats.bus);

  rows($("endpoints").tBodies[0], w.top_endpoints, (e) => [[e.path], [fmt.int(e.requests), "num"]]);
  rows($("dynos").tBodies[0], w.dynos, (d) => [
    [d.dyno], [fmt.int(d.requests), "num"], [fmt.int(d.errors), "num"], [fmt.ms(d.p95_ms), "num"], [d.status, "status-" + d.status],
  ]);
  rows($("errors").tBodies[0], stats.recent_errors.slice(0, 15), (e) => [
    [fmt.time(e.received)], [e.level, "level-" + e.level], [e.service], [e.message],
  ]);

  const alerts = [
    ...stats.alerts.active.map((a) => ({ ...a, cls: a.severity, text: `${a.severity.toUpperCase()}: ${a.name}` })),
    ...stats.alerts.resolved.slice(0, 3).map((a) => ({ ...a, cls: "resolved", text: `resolved: ${a.name}` })),
  ];
  $("alerts").replaceChildren(
    ...alerts.map((a) => {
      const div = document.createElement("div");
      div.className = "alert " + a.cls;
      const value = a.name === "error_rate" ? fmt.pct(a.value) : fmt.ms(a.value);
      const limit = a.name === "error_rate" ? fmt.pct(a.threshold) : fmt.ms(a.threshold);
      div.textContent = `${a.text}: ${value} (threshold ${limit}), since ${fmt.time(a.raised)}`;
      return div;
    }),
  );
}

// serve --bus: the nodes heard on the bus, and the stream's lag (messages no
// processor has fetched, and fetched but not yet acknowledged).
function renderCluster(bus) {
  $('cluster').hidden = !bus;
  if (!bus) return;
  const nodes = bus.nodes || [];
  const lag = Math.max(
      0, ...nodes.map((n) => n.pending_messages || 0),
      bus.consumer ? bus.consumer.pending || 0 : 0);
  const unacked = Math.max(0, ...nodes.map((n) => n.ack_pending_messages || 0));
  $('cluster-lag').textContent = `${nodes.length} node${nodes.length === 1 ? '' : 's'}; lag ${
                                     fmt.int(lag)} messages, ${fmt.int(unacked)} unacknowledged` +
      (bus.connected ? '' : '; this node is DISCONNECTED from the bus');
  rows(
      $('cluster-nodes').tBodies[0], nodes,
      (n) => [
          [n.node],
          [n.role],
          [n.lines_per_second === undefined ? '–' : fmt.rate(n.lines_per_second), 'num'],
          [n.processed_lines === undefined ? '–' : fmt.int(n.processed_lines), 'num'],
          [n.published_lines === undefined ? '–' : fmt.int(n.published_lines), 'num'],
          [n.held_messages === undefined ? '–' : fmt.int(n.held_messages), 'num'],
          [n.publish_p99_ms === undefined ? '–' : fmt.ms(n.publish_p99_ms), 'num'],
  ]);
}

let last = null;
function connect() {
  const es = new EventSource(withKey("/api/stream"));
  es.addEventListener("stats", (ev) => {
    last = JSON.parse(ev.data);
    $("conn").textContent = "live";
    $("conn").className = "pill pill-ok";
    render(last);
  });
  es.onerror = () => {
    $("conn").textContent = "reconnecting…";
    $("conn").className = "pill pill-bad";
  };
}

setupCharts();
$("window").addEventListener("change", () => last && render(last));
connect();
