// Browser test of `torchup serve` (issue 6): headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core. Starts `torchup serve --port 0`,
// clicks through the selector rows, checks that the command box shows exactly
// what `torchup select` prints for the same choice (including the seed guide's
// torch 1.9.0 commands), the pre-filled plan, struck-through impossible choices,
// LibTorch <-> C++, the language switch, phone width, and saves screenshots.
// Usage: node selector.test.js /path/to/torchup /path/to/screenshots (ctest: the build tree)
// Fails (exit 1), never skips, when chromium or the binary is missing.
"use strict";
const { chromium } = require("playwright-core");
const { spawn, execFileSync } = require("child_process");
const assert = require("assert/strict");
const fs = require("fs");
const os = require("os");
const path = require("path");

const TORCHUP = process.argv[2];
const SHOTS = process.argv[3] || path.join(os.tmpdir(), "torchup-screenshots");
const CHROMIUM = "/usr/bin/chromium";
let checks = 0;
function check(cond, what) { assert.ok(cond, what); checks++; }
function equal(a, b, what) { assert.equal(a, b, what); checks++; }

function startServer(extra = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(TORCHUP, ["serve", "--port", "0", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^(http:\/\/127\.0\.0\.1:\d+\/)\n/);
      if (m) resolve({ child, url: m[1], stderr: () => err });
    });
    child.stderr.on("data", (d) => { err += d; });
    child.on("exit", (code) => reject(new Error("torchup serve exited early (" + code + "): " + err)));
    setTimeout(() => reject(new Error("torchup serve printed no URL")), 30000);
  });
}

function cliSelect(args) {
  return execFileSync(TORCHUP, ["select", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

// Polls `fn` in the page (page.waitForFunction evaluates strings, which the page's
// Content-Security-Policy forbids: the test keeps CSP on to prove the page works under it).
async function waitFor(page, fn, arg, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error("timed out waiting for " + fn.toString());
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Clicks one option and waits until the command box shows the answer for it.
async function choose(page, row, value) {
  const before = await page.evaluate(() => document.body.dataset.done || "0");
  if (row === "torch" && value !== "stable" && value !== "nightly") {
    await page.selectOption("#previous-versions", value);
  } else {
    await page.click(`[data-row="${row}"] .opt[data-value="${value}"]`);
  }
  await waitFor(page, (b) => document.body.dataset.state === "ready" && document.body.dataset.done !== b, before);
}
async function selected(page, row) {
  if (row === "torch") {
    const prev = await page.$eval("#previous-versions", (s) => s.value);
    if (prev) return prev;
  }
  return page.$eval(`[data-row="${row}"] .opt.selected`, (b) => b.dataset.value);
}
const commandBox = (page) => page.$eval("#command", (e) => e.textContent);

// The page is pre-filled with what /api/plan chose and shows /api/machine's facts.
async function checkPrefilled(page) {
    const api = await page.evaluate(async () => ({
      plan: await (await fetch("/api/plan")).json(), machine: await (await fetch("/api/machine")).json(),
      options: await (await fetch("/api/options")).json(),
      planStatus: (await fetch("/api/plan")).status }));
    if (api.planStatus === 200 && api.plan.fits) {
      // A plan for a release newer than the selector's data (torch-releases.json is ahead of
      // published_versions.json) cannot be pre-selected: the selector stays on the site's stable,
      // and the plan's own reasons say where the site's data stops (the plan box has the command).
      const known = api.options.versions.some((v) => v.id === api.plan.torch);
      const torch = api.plan.torch === api.options.stable || !known ? "stable" : api.plan.torch;
      equal(await selected(page, "torch"), torch, "pre-filled torch is the plan's");
      if (!known && api.plan.torch !== "nightly") {
        equal(api.plan.reasons.some((r) => r.includes("selector data here stops at " + api.options.stable)), true,
              "a plan newer than the selector's data says so in its reasons");
      }
      equal(await selected(page, "platform"), api.plan.platform, "pre-filled platform is the plan's");
      equal(await selected(page, "os"), api.machine.os.family, "pre-filled OS is the machine's");
      equal(await page.$eval("#plan-command", (e) => e.textContent), api.plan.command, "plan command shown");
      const reasons = await page.$$eval("#plan-reasons li", (l) => l.map((x) => x.textContent));
      assert.deepEqual(reasons, api.plan.reasons); checks++;
      check(reasons.length > 0, "the plan's reasons are shown");
      const pkg = ["pip", "conda", "libtorch"].includes(api.plan.package) ? api.plan.package : "pip";
      const cli = cliSelect(["--torch", torch, "--os", api.machine.os.family, "--package", pkg, "--platform", api.plan.platform]);
      equal(await commandBox(page), cli, "pre-filled command box = torchup select");
    } else {
      check(await page.$eval("#plan-error", (e) => !e.hidden && e.textContent.length > 0), "plan error shown: " + JSON.stringify(api.plan));
    }
    const py = api.machine.pythons && api.machine.pythons[0];
    if (py) check((await page.$eval("#m-python", (e) => e.textContent)).includes(py.version), "machine Python shown");
  return api;
}

async function main() {
  check(fs.existsSync(CHROMIUM), CHROMIUM + " is missing: run scripts/install-deps (Debian's chromium)");
  check(TORCHUP && fs.existsSync(TORCHUP), "usage: node selector.test.js /path/to/torchup [screenshots dir]");
  fs.mkdirSync(SHOTS, { recursive: true });
  const server = await startServer();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "torchup-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, locale: "en-US", viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const failures = [];
  context.on("weberror", (e) => failures.push(String(e.error())));
  try {
    const page = await context.newPage();
    page.on("pageerror", (e) => failures.push(String(e)));
    // Console errors, except the browser's note about an HTTP error status: those are
    // checked below by URL (an impossible choice is answered 400/404 on purpose).
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) failures.push(m.text());
    });
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().startsWith(server.url + "api/select?")) failures.push(r.status() + " " + r.url());
    });
    // Nothing may leave 127.0.0.1 (no CDN, no fonts).
    await page.route("**/*", (r) => {
      if (!r.request().url().startsWith(server.url)) failures.push("outside request: " + r.request().url());
      return r.continue();
    });
    // --- a described machine (RTX 3090, driver 595): the plan picks a CUDA build ---
    const gpuServer = await startServer(["--profile", path.join(__dirname, "profiles", "rtx3090-linux-595.json")]);
    try {
      const gpuPage = await context.newPage();
      gpuPage.on("pageerror", (e) => failures.push(String(e)));
      await gpuPage.goto(gpuServer.url);
      await waitFor(gpuPage, () => document.body.dataset.prefilled === "done", null, 180000);
      const gpu = await checkPrefilled(gpuPage);
      check(gpu.planStatus === 200 && gpu.plan.fits, "the profile's plan fits: " + JSON.stringify(gpu.plan).slice(0, 300));
      check(gpu.plan.platform.startsWith("cu"), "a CUDA build for the RTX 3090: " + gpu.plan.platform);
      check((await gpuPage.$eval("#m-gpu", (e) => e.textContent)).includes("RTX 3090"), "GPU shown");
      equal(await gpuPage.$eval("#m-driver", (e) => e.textContent), "595.45.04", "driver shown");
      equal(await gpuPage.$eval("#m-cuda", (e) => e.textContent), "13.2", "max CUDA shown");
      await gpuPage.screenshot({ path: path.join(SHOTS, "serve-desktop.png"), fullPage: true });
      await gpuPage.setViewportSize({ width: 390, height: 844 });
      await gpuPage.screenshot({ path: path.join(SHOTS, "serve-phone.png"), fullPage: true });
      await gpuPage.close();
    } finally {
      gpuServer.child.kill("SIGINT");
    }

    // --- this machine ---
    await page.goto(server.url);
    await waitFor(page, () => document.body.dataset.prefilled === "done", null, 180000);
    await checkPrefilled(page);


    // --- clicking through the rows: the box equals `torchup select` ---
    const samples = [
      // [torch, os, package, platform, as_published]
      ["stable", "linux", "pip", "cu126", false],
      ["stable", "windows", "pip", "cpu", false],
      ["stable", "linux", "libtorch", "cpu", false],
      ["nightly", "linux", "pip", "cpu", false],
      ["2.5.1", "linux", "pip", "rocm6.2", false],
      ["1.9.0", "linux", "pip", "cu111", false],
      ["1.9.0", "windows", "conda", "cu102", false],
      ["1.9.0", "macos", "pip", "cpu", false],
      // the seed guide's 1.9.0 commands, as the site published them then
      ["1.9.0", "linux", "pip", "cu111", true],
      ["1.9.0", "linux", "pip", "cu102", true],
      ["1.9.0", "linux", "pip", "cpu", true],
      ["1.9.0", "windows", "pip", "cu111", true],
      ["1.9.0", "windows", "pip", "cu102", true],
    ];
    for (const [torch, osName, pkg, platform, published] of samples) {
      const box = await page.$("#as-published");
      if ((await box.isChecked()) !== published) {
        const before = await page.evaluate(() => document.body.dataset.done);
        await box.click();
        await waitFor(page, (b) => document.body.dataset.state === "ready" && document.body.dataset.done !== b, before);
      }
      for (const [row, value] of [["torch", torch], ["os", osName], ["package", pkg], ["platform", platform]]) {
        if ((await selected(page, row)) !== value) await choose(page, row, value);
      }
      const args = ["--torch", torch, "--os", osName, "--package", pkg, "--platform", platform];
      if (published) args.push("--as-published");
      equal(await commandBox(page), cliSelect(args), "command box = torchup select " + args.join(" "));
    }
    // The seed guide quotes these lines verbatim (tests/fixtures/select, torch 1.9.0 era).
    const seed = "pip3 install torch==1.9.0+cu102 torchvision==0.10.0+cu102 torchaudio===0.9.0 -f https://download.pytorch.org/whl/torch_stable.html";
    equal((await commandBox(page)).trim(), seed, "seed guide's 1.9.0 Windows CUDA 10.2 command");
    await choose(page, "os", "linux");
    await choose(page, "platform", "cu111");
    equal((await commandBox(page)).trim(),
      "pip3 install torch==1.9.0+cu111 torchvision==0.10.0+cu111 torchaudio==0.9.0 -f https://download.pytorch.org/whl/torch_stable.html",
      "seed guide's 1.9.0 Linux CUDA 11.1 command");
    await page.click("#as-published");

    // --- LibTorch <-> C++, as on the site ---
    await choose(page, "torch", "stable");
    await choose(page, "package", "libtorch");
    equal(await selected(page, "language"), "cpp", "LibTorch switches the language to C++");
    await choose(page, "language", "python");
    equal(await selected(page, "package"), "pip", "Python leaves LibTorch for pip");
    await choose(page, "language", "cpp");
    equal(await selected(page, "package"), "libtorch", "C++ selects LibTorch");
    await choose(page, "package", "pip");

    // --- impossible combinations: struck through, with the reason ---
    await choose(page, "os", "macos");
    const struck = await page.$$eval('[data-row="platform"] .opt.impossible', (l) => l.map((b) => [b.dataset.value, b.dataset.reason,
      getComputedStyle(b).textDecorationLine]));
    check(struck.some(([v]) => v.startsWith("cu")), "CUDA is struck through on macOS");
    for (const [v, reason, deco] of struck) {
      check(reason && reason.includes("Mac"), "reason for " + v + ": " + reason);
      equal(deco, "line-through", v + " is drawn struck through");
    }
    check((await page.$eval("#struck", (e) => e.textContent)).includes("CUDA"), "the reasons are listed on the page");
    await choose(page, "platform", struck[0][0]);  // choosing one anyway shows why not
    check(await page.$eval("#command", (e) => e.classList.contains("error") && e.textContent.length > 0),
      "an impossible choice shows the reason in the command box");
    await choose(page, "os", "linux");

    // --- copy button ---
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url.replace(/\/$/, "") });
    await page.click("#copy-command");
    equal(await page.evaluate(() => navigator.clipboard.readText()), await commandBox(page), "copy puts the command on the clipboard");

    // --- language: the switch, then navigator.language ---
    await page.click('.lang button[data-lang="zh"]');
    equal(await page.$eval('[data-row="torch"] .label', (e) => e.textContent), "PyTorch 版本", "Chinese labels");
    equal(await page.evaluate(() => document.documentElement.lang), "zh-CN", "html lang follows");
    await page.screenshot({ path: path.join(SHOTS, "serve-desktop-zh.png"), fullPage: true });
    await page.click('.lang button[data-lang="en"]');
    equal(await page.$eval('[data-row="torch"] .label', (e) => e.textContent), "PyTorch Build", "back to English");
    const zhPage = await context.newPage();
    await zhPage.addInitScript(() => {
      localStorage.clear();
      Object.defineProperty(navigator, "language", { get: () => "zh-CN" });
    });
    await zhPage.goto(server.url);
    await waitFor(zhPage, () => document.body.dataset.state === "ready");
    equal(await zhPage.$eval('[data-row="os"] .label', (e) => e.textContent), "操作系统", "zh-CN browser gets Chinese");
    await zhPage.close();

    // --- phone width: one column, nothing wider than the screen ---
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => localStorage.setItem("torchup.lang", "en"));
    await page.reload();
    await waitFor(page, () => document.body.dataset.prefilled === "done", null, 180000);
    const layout = await page.evaluate(() => {
      const label = document.querySelector('[data-row="platform"] .label').getBoundingClientRect();
      const opts = document.querySelector('[data-row="platform"] .options').getBoundingClientRect();
      return { scroll: document.documentElement.scrollWidth, labelBottom: label.bottom, optsTop: opts.top };
    });
    check(layout.scroll <= 390, "no horizontal scrolling at phone width (" + layout.scroll + "px)");
    check(layout.labelBottom <= layout.optsTop + 1, "labels sit above their options at phone width");

    assert.deepEqual(failures, [], "page errors or outside requests"); checks++;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  // --- Ctrl-C stops the server cleanly ---
  const exited = new Promise((r) => server.child.on("exit", (code, sig) => r({ code, sig })));
  server.child.kill("SIGINT");
  const { code } = await exited;
  equal(code, 0, "torchup serve exits 0 on SIGINT");
  check(server.stderr().includes("stopped"), "says it stopped");
  console.log(`browser test: ${checks} checks passed; screenshots in ${SHOTS}`);
}

main().catch((e) => { console.error("browser test FAILED:", e.message || e); process.exit(1); });
