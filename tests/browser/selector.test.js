// Browser test of `torchup serve` (issue 6): headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core. Starts `torchup serve --port 0`,
// clicks through the selector rows, checks that the command box shows exactly
// what `torchup select` prints for the same choice (including the seed guide's
// torch 1.9.0 commands), the pre-filled plan, struck-through impossible choices,
// LibTorch <-> C++, the language switch, phone width, and saves screenshots.
// Issue 14: commands break at spaces only (never inside a URL or --index-url URL),
// a loading state and no choice until the plan has come, the recommendation first on
// a phone, and the note beside "Max CUDA" when the plan runs by minor-version compatibility.
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

// Runs in the page: every whitespace-separated word of the element's text, with the
// number of lines it is drawn on (the distinct tops of its Range's boxes) and its top.
// Measured on the text itself, so it says the same whatever elements hold the words.
function wordLines(selector) {
  const el = document.querySelector(selector);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.data; }
  const at = (i) => {  // the text node holding character i, and the offset in it
    for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i && i < nodes[k][1] + nodes[k][0].data.length) return [nodes[k][0], i - nodes[k][1]];
    return null;
  };
  const words = [];
  for (const m of text.matchAll(/\S+/g)) {
    const range = document.createRange();
    const [startNode, startOffset] = at(m.index);
    const [endNode, endOffset] = at(m.index + m[0].length - 1);
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset + 1);
    const tops = [...new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))];
    words.push({ word: m[0], lines: tops.length, top: Math.min(...tops) });
  }
  return words;
}
// No word of the box is broken across lines (a URL, --index-url); returns the words.
async function checkWordsWhole(page, selector, what) {
  const words = await page.evaluate(wordLines, selector);
  check(words.length > 0, what + ": the box has words");
  for (const w of words) equal(w.lines, 1, what + ": '" + w.word + "' is drawn on one line, not broken inside");
  return words;
}

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
      check(await gpuPage.$eval("#m-cuda-note", (e) => e.hidden), "no minor-compatibility note: the plan's CUDA is within the driver's");
      await gpuPage.screenshot({ path: path.join(SHOTS, "serve-desktop.png"), fullPage: true });

      // The command box breaks at spaces only: at desktop width the command needs two
      // lines, and --index-url moves to the second with its URL, each word whole.
      await choose(gpuPage, "platform", "cu126");
      const cu126 = cliSelect(["--torch", "stable", "--os", "linux", "--package", "pip", "--platform", "cu126"]);
      check(cu126.includes("--index-url https://"), "the cu126 command has --index-url: " + cu126);
      equal(await commandBox(gpuPage), cu126, "the command box's text is still the command, character for character");
      const wide = await checkWordsWhole(gpuPage, "#command", "desktop command box");
      const flag = wide.find((w) => w.word === "--index-url"), url = wide.find((w) => w.word.startsWith("https://"));
      equal(flag.top, url.top, "--index-url and its URL are on one line");
      check(new Set(wide.map((w) => w.top)).size >= 2, "the command is long enough to wrap at this width (the check means something)");
      await checkWordsWhole(gpuPage, "#plan-command", "desktop plan command");
      const beside = await gpuPage.evaluate(() => ({ selector: document.querySelector(".selector").getBoundingClientRect().right,
        machine: document.querySelector(".machine").getBoundingClientRect().left }));
      check(beside.machine >= beside.selector, "on a wide screen the machine panel stands to the right of the selector");

      // Phone width: the recommendation comes before the selector; words stay whole.
      await gpuPage.setViewportSize({ width: 390, height: 844 });
      const order = await gpuPage.evaluate(() => ({ plan: document.querySelector("#plan-choice").getBoundingClientRect().top,
        selector: document.querySelector('[data-row="torch"]').getBoundingClientRect().top,
        scroll: document.documentElement.scrollWidth }));
      check(order.plan < order.selector, "phone: the recommendation (" + order.plan + "px) comes before the selector (" + order.selector + "px)");
      check(order.scroll <= 390, "phone: no horizontal scrolling (" + order.scroll + "px)");
      await checkWordsWhole(gpuPage, "#command", "phone command box");
      await checkWordsWhole(gpuPage, "#plan-command", "phone plan command");
      await gpuPage.screenshot({ path: path.join(SHOTS, "serve-phone.png"), fullPage: true });
      await gpuPage.close();

      // Before the plan has come: a loading state, no choice (not a default CUDA 12.6).
      // /api/plan is held back until the page has everything else.
      let release, asked;
      const gate = new Promise((r) => { release = r; });
      const planAsked = new Promise((r) => { asked = r; });
      const slow = await context.newPage();
      slow.on("pageerror", (e) => failures.push(String(e)));
      await slow.route("**/api/plan", async (route) => { asked(); await gate; await route.continue(); });
      const optionsCame = slow.waitForResponse((r) => r.url() === gpuServer.url + "api/options");
      const machineCame = slow.waitForResponse((r) => r.url() === gpuServer.url + "api/machine");
      await slow.goto(gpuServer.url);
      await Promise.all([planAsked, optionsCame, machineCame]);
      const waiting = await slow.evaluate(() => ({
        options: document.querySelectorAll(".selector .opt").length,
        selected: [...document.querySelectorAll(".opt.selected")].map((b) => b.textContent),
        rows: document.querySelector(".selector").textContent,
        command: document.querySelector("#command").textContent,
        busy: document.querySelector(".selector").getAttribute("aria-busy"),
        state: document.body.dataset.state }));
      assert.deepEqual(waiting.selected, [], "nothing is selected before the plan has come"); checks++;
      equal(waiting.options, 0, "no option buttons before the plan has come");
      check(!waiting.rows.includes("CUDA"), "no CUDA choice shown before the plan has come");
      equal(waiting.command, "Reading this machine and the release data…", "the command box says it is loading");
      equal(waiting.busy, "true", "the selector is aria-busy while loading");
      equal(waiting.state, "loading", "body data-state is loading");
      release();
      await waitFor(slow, () => document.body.dataset.prefilled === "done", null, 180000);
      await checkPrefilled(slow);  // then pre-filled with the plan's choice, as without the delay
      equal(await slow.$eval(".selector", (e) => e.getAttribute("aria-busy")), "false", "not busy once loaded");
      await slow.close();
    } finally {
      gpuServer.child.kill("SIGINT");
    }

    // --- minor-version compatibility: driver 550 (max CUDA 12.4), the plan is cu126 ---
    const compatServer = await startServer(["--profile", path.join(__dirname, "..", "fixtures", "profiles", "hopper-h100-linux-550-minorcompat.json")]);
    try {
      const compat = await context.newPage();
      compat.on("pageerror", (e) => failures.push(String(e)));
      await compat.goto(compatServer.url);
      await waitFor(compat, () => document.body.dataset.prefilled === "done", null, 180000);
      const api = await checkPrefilled(compat);
      equal(api.plan.platform, "cu126", "the plan for driver 550 is cu126");
      equal(await compat.$eval("#m-cuda", (e) => e.textContent), "12.4", "max CUDA 12.4 shown");
      const note = await compat.evaluate(() => {
        const n = document.querySelector("#m-cuda-note"), cuda = document.querySelector("#m-cuda");
        return { hidden: n.hidden, text: n.textContent, below: n.getBoundingClientRect().top - cuda.getBoundingClientRect().bottom };
      });
      check(!note.hidden, "the note beside max CUDA is shown");
      equal(note.text, "CUDA 12.6 runs on this driver through CUDA minor-version compatibility: driver 550.54.15 supports CUDA 12.4 at most, and builds for any CUDA 12.x run on it.",
        "the note explains max CUDA 12.4 next to cu126");
      check(note.below >= 0 && note.below < 40, "the note sits right under max CUDA (" + note.below + "px)");
      await compat.click('.lang button[data-lang="zh"]');
      equal(await compat.$eval("#m-cuda-note", (e) => e.textContent),
        "CUDA 12.6 可借助 CUDA 次版本兼容在这个驱动上运行：驱动 550.54.15 最高支持 CUDA 12.4，而任何 CUDA 12.x 的版本都能在它上面运行。",
        "the note in Chinese");
      await compat.screenshot({ path: path.join(SHOTS, "serve-minor-compat-zh.png"), fullPage: true });
      await compat.close();
    } finally {
      compatServer.child.kill("SIGINT");
    }
    // A driver whose max CUDA was not read (WSL2's driver store): "unknown", not "none found".
    const wslServer = await startServer(["--profile", path.join(__dirname, "..", "fixtures", "profiles", "wsl2-rtx3080-537-minorcompat.json")]);
    try {
      const wsl = await context.newPage();
      wsl.on("pageerror", (e) => failures.push(String(e)));
      await wsl.goto(wslServer.url);
      await waitFor(wsl, () => document.body.dataset.prefilled === "done", null, 180000);
      equal(await wsl.$eval("#m-driver", (e) => e.textContent), "537.58", "WSL2 driver shown");
      equal(await wsl.$eval("#m-cuda", (e) => e.textContent), "unknown", "max CUDA not read: unknown, not none found");
      await wsl.close();
    } finally {
      wslServer.child.kill("SIGINT");
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
    const reasonsEn = await page.$$eval("#plan-reasons li", (els) => els.map((e) => e.textContent));
    await page.click('.lang button[data-lang="zh"]');
    equal(await page.$eval('[data-row="torch"] .label', (e) => e.textContent), "PyTorch 版本", "Chinese labels");
    // The plan's reasons in Chinese, from torchup's catalogue (plan "localized"), one per English reason.
    const reasonsZh = await page.$$eval("#plan-reasons li", (els) => els.map((e) => e.textContent));
    equal(reasonsZh.length, reasonsEn.length, "as many Chinese reasons as English ones");
    check(reasonsEn.length > 0 && reasonsZh.some((r) => /[\u4e00-\u9fff]/.test(r)), "the plan's reasons are in Chinese: " + reasonsZh.join(" | "));
    check(reasonsZh.every((r, i) => r !== reasonsEn[i] || !/[a-z]{4,} [a-z]{4,}/.test(r)), "no English sentence left among the Chinese reasons: " + reasonsZh.join(" | "));
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
