// Drives the live dashboard in headless Chromium (playwright-core, Debian's
// chromium): the page loads without console errors, the charts render, and
// the numbers change after lines are posted. Saves a screenshot.
//
//   node dashboard_check.cjs http://127.0.0.1:PORT SCREENSHOT.png
// With EXPECT_CLUSTER=NODE (serve --bus), the cluster card must list NODE.
// (NODE_PATH must reach web/node_modules; tests/integration/serve_dashboard_test.sh sets it.)
"use strict";
const { chromium } = require("playwright-core");

const base = process.argv[2];
const screenshot = process.argv[3];
const deadline = (ms) => ({ timeout: ms });

function fail(msg) {
  console.error("FAIL: " + msg);
  process.exit(1);
}

async function post(path, type, body) {
  const res = await fetch(base + path, { method: "POST", headers: { "Content-Type": type }, body });
  if (!res.ok) fail(`POST ${path}: ${res.status}`);
  return res.json();
}

function logplex(lines) {
  return lines.map((l) => `${Buffer.byteLength(l) + 1} ${l}\n`).join("");
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    page.on("console", (m) => { if (m.type() === "error") errors.push("console: " + m.text()); });
    page.on("pageerror", (e) => errors.push("page error: " + e.message));
    page.on("requestfailed", (r) => {
      // The event stream is cut when the test ends; anything else failing is a bug.
      if (!r.url().includes("/api/stream")) errors.push("request failed: " + r.url());
    });

    await page.goto(base + "/", { waitUntil: "load" });
    await page.waitForSelector("#conn.pill-ok", deadline(30000));  // the event stream is live
    const canvases = await page.locator(".chart canvas").count();
    if (canvases < 4) fail(`expected 4 chart canvases, found ${canvases}`);
    const before = Number((await page.textContent("#kpi-total")).replace(/,/g, ""));

    // Post router lines (one slow 5xx) and app errors, then wait for the page to show them.
    const now = new Date().toISOString();
    const lines = [];
    for (let i = 0; i < 40; i++) {
      const status = i === 0 ? 503 : 200;
      lines.push(`<158>1 ${now} host heroku router - at=info method=GET path="/api/items/${i % 4}" host=x ` +
                 `request_id=r${i} fwd="10.0.0.${i}" dyno=web.${(i % 2) + 1} connect=1ms service=${20 + i}ms status=${status} bytes=99 protocol=https`);
    }
    lines.push(`<190>1 ${now} host app web.1 - ERROR payment declined for order 42`);
    await post("/logdrains", "application/logplex-1", logplex(lines));
    await post("/ingest", "application/x-ndjson", JSON.stringify({ level: "warn", service: "search", msg: "slow query" }) + "\n");

    const expected = before + 42;
    await page.waitForFunction(
      (n) => Number(document.querySelector("#kpi-total").textContent.replace(/,/g, "")) >= n, expected, deadline(30000));
    await page.waitForFunction(() => document.querySelectorAll("#dynos tbody tr").length === 2, null, deadline(30000));
    await page.waitForFunction(
      () => [...document.querySelectorAll("#errors tbody td")].some((td) => td.textContent.includes("payment declined")),
      null, deadline(30000));
    if (process.env.EXPECT_CLUSTER) {
      // serve --bus: the cluster card lists this node (heard on the bus) and the lag.
      await page.waitForFunction(
        (name) => [...document.querySelectorAll("#cluster-nodes tbody td")].some((td) => td.textContent === name),
        process.env.EXPECT_CLUSTER, deadline(30000));
      const lag = await page.textContent("#cluster-lag");
      if (!/lag \d+ messages/.test(lag)) fail(`no lag shown: '${lag}'`);
    } else if (await page.isVisible("#cluster")) {
      fail("the cluster card shows without --bus");
    }
    const rps = await page.textContent("#kpi-rps");
    if (rps === "–" || Number(rps) === 0) fail(`requests/s did not change: '${rps}'`);
    const latency = await page.textContent("#kpi-latency");
    if (!latency.includes("ms")) fail(`no latency percentiles shown: '${latency}'`);
    // The charts drew something: a rendered uPlot canvas is not blank.
    const drawn = await page.evaluate(() => {
      const c = document.querySelector("#chart-rate canvas");
      const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let nonzero = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) nonzero++;
      return nonzero;
    });
    if (drawn < 100) fail(`the rate chart looks blank (${drawn} painted pixels)`);
    await page.screenshot({ path: screenshot, fullPage: true });
    if (errors.length) fail(errors.join("\n"));
    console.log(`PASS: dashboard live; total ${before} -> >= ${expected}; requests/s ${rps}; latency ${latency}; screenshot ${screenshot}`);
  } finally {
    await browser.close();
  }
})().catch((e) => fail(e.stack || String(e)));
