// The selector's behaviour, after pytorch.org's Start Locally: one choice per row;
// LibTorch switches the language to C++ (and C++ to LibTorch); combinations the
// release does not offer are struck through with the reason; the command box shows
// /api/select's "text", which is exactly what `torchup select` prints.
// Pre-filled from /api/plan and /api/machine: until they and the release data have
// come, the rows show a loading state and no choice. Plain DOM, no framework.
"use strict";
(function () {
  const I18N = window.TORCHUP_I18N;
  const state = {
    lang: pickLanguage(), options: null, rows: null, machine: null, plan: null,
    choice: { torch: "stable", os: "linux", package: "pip", language: "python", platform: "" },
    requestId: 0, loaded: false
  };
  const $ = (id) => document.getElementById(id);

  function pickLanguage() {
    const saved = window.localStorage && localStorage.getItem("torchup.lang");
    if (saved === "en" || saved === "zh") return saved;
    return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
  }
  function t(key, vars) {
    let s = (I18N[state.lang] && I18N[state.lang][key]) || I18N.en[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.split("{" + k + "}").join(v);
    return s;
  }
  async function getJson(url) {
    const res = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await res.json().catch(() => ({ error: "HTTP " + res.status }));
    return { ok: res.ok, status: res.status, body };
  }
  function versionName(id) { return id === "stable" ? state.options.stable : id; }
  function osName(os) { return t(os); }
  function platformLabel(name) {
    const p = state.rows && state.rows.platforms.find((x) => x.name === name);
    return p ? p.label : name;
  }
  function offered(os, pkg) {
    return (state.rows && state.rows.offered[os] && state.rows.offered[os][pkg]) || [];
  }

  // Why an option is impossible for the current choice, or "" when it is fine.
  function packageWhy(pkg) {
    if (pkg === "source") return "";
    if (offered(state.choice.os, pkg).length) return "";
    return t("no_package", { package: t(pkg), os: osName(state.choice.os), version: versionName(state.choice.torch) });
  }
  function platformWhy(name) {
    const pkg = state.choice.package;
    if (pkg === "source" || offered(state.choice.os, pkg).includes(name)) return "";
    return t("no_platform", { platform: platformLabel(name), os: osName(state.choice.os), package: t(pkg),
      version: versionName(state.choice.torch) });
  }
  function languageWhy(lang) {
    if (lang !== "cpp" || offered(state.choice.os, "libtorch").length) return "";
    return t("no_language", { os: osName(state.choice.os), version: versionName(state.choice.torch) });
  }

  function button(row, value, label, selected, why) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "opt" + (selected ? " selected" : "") + (why ? " impossible" : "");
    b.dataset.value = value;
    b.textContent = label;
    b.setAttribute("aria-pressed", selected ? "true" : "false");
    if (why) { b.title = why; b.dataset.reason = why; }
    b.addEventListener("click", () => choose(row, value));
    return b;
  }
  function fill(id, nodes) { const el = $(id); el.replaceChildren(...nodes); }

  // A command as words that never break inside (.tok; a URL stays whole), the spaces
  // between them as text: lines break at spaces only. An option followed by a URL
  // (--index-url URL, -f URL) is one .pair, kept on one line while it fits. The
  // element's textContent stays the command, character for character (Copy uses it).
  function setCommand(el, text) {
    const tok = (word) => { const s = document.createElement("span"); s.className = "tok"; s.textContent = word; return s; };
    const parts = text.split(/(\s+)/);  // words at even indices, the whitespace between at odd ones
    const nodes = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (!part) continue;
      if (i % 2) { nodes.push(document.createTextNode(part)); continue; }
      const gap = parts[i + 1], next = parts[i + 2];
      if (part.startsWith("-") && next && !gap.includes("\n") && /^[a-z][a-z0-9+.-]*:\/\//i.test(next)) {
        const pair = document.createElement("span");
        pair.className = "pair";
        pair.append(tok(part), document.createTextNode(gap), tok(next));
        nodes.push(pair);
        i += 2;
        continue;
      }
      nodes.push(tok(part));
    }
    el.replaceChildren(...nodes);
  }
  function cudaVersion(platform) {  // "cu126" -> [12, 6] (PyTorch's wheel tags: the last digit is the minor)
    const m = /^cu(\d+)(\d)$/.exec(platform || "");
    return m ? [Number(m[1]), Number(m[2])] : null;
  }
  function dotted(text) { return String(text || "").split(".").map(Number); }
  function newer(a, b) {  // a > b, version arrays
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
    }
    return false;
  }

  function render() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll(".lang button").forEach((b) => b.classList.toggle("active", b.dataset.lang === state.lang));
    document.querySelector(".selector").setAttribute("aria-busy", state.loaded ? "false" : "true");
    if (!state.loaded) {
      // No choice before the machine, the plan and the release data have come: a
      // default (CUDA 12.6) shown meanwhile would read as the recommendation.
      for (const row of ["torch", "os", "package", "language", "platform"]) {
        const dots = document.createElement("span");
        dots.className = "loading";
        dots.textContent = t("loading");
        fill("opts-" + row, [dots]);
      }
      const box = $("command");
      if (!box.classList.contains("error")) {
        box.textContent = t("loading_machine");
        box.classList.add("loading");
      }
      return;
    }
    const c = state.choice;
    const isPrevious = c.torch !== "stable" && c.torch !== "nightly";
    const previous = document.createElement("select");
    previous.className = "opt" + (isPrevious ? " selected" : "");
    previous.id = "previous-versions";
    previous.setAttribute("aria-label", t("previous"));
    previous.append(new Option(t("previous"), ""));
    for (const v of state.options.versions) {
      if (v.id !== "stable" && v.id !== "nightly") previous.append(new Option(v.id, v.id, false, v.id === c.torch));
    }
    previous.addEventListener("change", () => { if (previous.value) choose("torch", previous.value); });
    fill("opts-torch", [button("torch", "stable", t("stable", { v: state.options.stable }), c.torch === "stable", ""),
      button("torch", "nightly", t("nightly"), c.torch === "nightly", ""), previous]);
    fill("opts-os", state.options.oses.map((os) => button("os", os, osName(os), c.os === os, "")));
    fill("opts-package", state.options.packages.map((p) => button("package", p, t(p), c.package === p, packageWhy(p))));
    fill("opts-language", state.options.languages.map((l) => button("language", l, t(l), c.language === l, languageWhy(l))));
    const platforms = state.rows ? state.rows.platforms : [];
    fill("opts-platform", platforms.map((p) => button("platform", p.name, p.label, c.platform === p.name, platformWhy(p.name))));
    const struck = [...document.querySelectorAll(".opt.impossible")].map((b) => b.textContent + " — " + b.dataset.reason);
    $("struck").textContent = struck.length ? t("struck", { list: struck.join("; ") }) : "";
    renderMachine();
  }

  function renderMachine() {
    const m = state.machine, p = state.plan;
    if (m && m.ok) {
      const gpus = (m.body.gpus || []).map((g) => g.name).filter(Boolean);
      $("m-gpu").textContent = gpus.length ? gpus.join(", ") : t("none");
      $("m-driver").textContent = (m.body.nvidia && m.body.nvidia.driver_version) || t("none");
      const nvidia = m.body.nvidia || {};
      // A driver whose max CUDA was not read (WSL2's driver store) is not "none".
      $("m-cuda").textContent = nvidia.max_cuda || (nvidia.driver_version ? t("unknown") : t("none"));
      renderCompatNote();
      const py = (m.body.pythons || [])[0];
      $("m-python").textContent = py ? py.version + " (" + py.path + ")" : t("none");
      $("machine-error").hidden = true;
    } else if (m) {
      for (const id of ["m-gpu", "m-driver", "m-cuda", "m-python"]) $(id).textContent = t("unknown");
      $("machine-error").hidden = false;
      $("machine-error").textContent = t("machine_unavailable", { e: m.body.error });
    }
    if (p && p.ok) {
      const b = p.body;
      $("plan-choice").textContent = b.fits ? t("plan_choice", { torch: b.torch, platform: platformLabel(b.platform) || b.platform,
        package: b.package, python: b.python || "?" }) : t("plan_nofit");
      setCommand($("plan-command"), b.command || "");
      // The reasons in the page's language: torchup says them from its own catalogue
      // (the plan's "localized" texts); English is the plan's text itself.
      const said = (state.lang !== "en" && b.localized && b.localized[state.lang]) || b;
      $("plan-reasons").replaceChildren(...(said.reasons || []).map((r) => { const li = document.createElement("li"); li.textContent = r; return li; }));
      $("plan-warnings").replaceChildren(...(said.warnings || []).map((r) => { const li = document.createElement("li"); li.textContent = r; return li; }));
      $("plan-error").hidden = true;
      $("apply-plan").hidden = !b.fits;
      $("copy-plan").hidden = !b.command;
    } else if (p) {
      $("plan-choice").textContent = "";
      $("plan-error").hidden = false;
      $("plan-error").textContent = t("plan_unavailable", { e: p.body.error });
      $("apply-plan").hidden = true;
      $("copy-plan").hidden = true;
    }
  }

  // A recommended CUDA build above the driver's max CUDA runs through CUDA minor-version
  // compatibility (the planner picks no other kind: same major, driver >= the major's
  // minimum; NVIDIA, CUDA Compatibility, "Minor Version Compatibility"). Said right
  // beside "Max CUDA", where the two numbers meet the eye.
  function renderCompatNote() {
    const note = $("m-cuda-note"), m = state.machine, p = state.plan;
    const nvidia = m && m.ok && m.body.nvidia;
    const plan = p && p.ok && p.body.fits ? p.body : null;
    const need = plan && cudaVersion(plan.platform);
    const max = nvidia && nvidia.max_cuda ? dotted(nvidia.max_cuda) : null;
    if (!need || !max || !newer(need, max)) { note.hidden = true; note.textContent = ""; return; }
    note.hidden = false;
    note.textContent = t("minor_compat", { platform: "CUDA " + need.join("."),
      driver: nvidia.driver_version || "?", max: nvidia.max_cuda, major: String(need[0]) });
  }

  // Keeps the choice possible after a change elsewhere, as the site does.
  function settle() {
    const c = state.choice;
    if (c.package === "libtorch") c.language = "cpp";
    else if (c.language === "cpp" && c.package !== "source") c.language = "python";
    if (c.package !== "source") {
      const list = offered(c.os, c.package);
      if (list.length && !list.includes(c.platform)) {
        const planned = state.plan && state.plan.ok ? state.plan.body.platform : "";
        c.platform = list.includes(planned) ? planned : (list.find((n) => n.startsWith("cu")) || list[0]);
      }
    }
  }

  async function loadRows() {
    const r = await getJson("/api/options?torch=" + encodeURIComponent(state.choice.torch));
    state.rows = r.ok ? r.body : null;
  }

  async function choose(row, value) {
    const c = state.choice;
    if (row === "language") {
      c.language = value;
      if (value === "cpp") c.package = "libtorch";
      else if (c.package === "libtorch") c.package = "pip";
    } else {
      c[row] = value;
      if (row === "package") c.language = value === "libtorch" ? "cpp" : "python";
    }
    if (row === "torch") await loadRows();
    if (row !== "platform") settle();
    render();
    await updateCommand();
  }

  async function updateCommand() {
    if (!state.loaded) return;  // the first command comes with the plan
    const c = state.choice, id = ++state.requestId;
    const q = new URLSearchParams({ torch: c.torch, os: c.os, package: c.package, language: c.language });
    if (c.package !== "source" && c.platform) q.set("platform", c.platform);
    if ($("as-published").checked) q.set("as_published", "1");
    document.body.dataset.state = "loading";
    const r = await getJson("/api/select?" + q.toString());
    if (id !== state.requestId) return;  // a newer choice is on its way
    const box = $("command");
    setCommand(box, r.ok ? r.body.text : (r.body.error || "error") + (r.body.hint ? "\n" + r.body.hint : ""));
    box.classList.toggle("error", !r.ok);
    box.classList.remove("loading");
    $("select-warnings").replaceChildren(...((r.ok && r.body.warnings) || []).map((w) => {
      const li = document.createElement("li"); li.textContent = w; return li;
    }));
    document.body.dataset.done = String(id);
    document.body.dataset.state = "ready";
  }

  // Selects what the plan chose; false when there is no plan to select.
  async function applyPlan() {
    const p = state.plan;
    if (!p || !p.ok || !p.body.fits) return false;
    const b = p.body, c = state.choice;
    const known = state.options.versions.some((v) => v.id === b.torch);
    c.torch = b.torch === state.options.stable ? "stable" : (b.torch === "nightly" || known ? b.torch : "stable");
    if (state.machine && state.machine.ok && state.machine.body.os && state.options.oses.includes(state.machine.body.os.family)) {
      c.os = state.machine.body.os.family;
    }
    c.package = ["pip", "conda", "libtorch"].includes(b.package) ? b.package : "pip";  // uv installs the pip wheels
    c.language = c.package === "libtorch" ? "cpp" : "python";
    c.platform = b.platform;
    await loadRows();
    settle();
    render();
    await updateCommand();
    return true;
  }

  function copy(fromId, buttonId) {
    const text = $(fromId).textContent;
    const done = () => { $(buttonId).textContent = t("copied"); setTimeout(() => { $(buttonId).textContent = t("copy"); }, 1500); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, () => {});
    else {
      const area = document.createElement("textarea");
      area.value = text; document.body.append(area); area.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selectable */ }
      area.remove();
    }
  }

  async function start() {
    document.querySelectorAll(".lang button").forEach((b) => b.addEventListener("click", () => {
      state.lang = b.dataset.lang;
      try { localStorage.setItem("torchup.lang", state.lang); } catch (e) { /* private mode */ }
      render();
    }));
    $("copy-command").addEventListener("click", () => copy("command", "copy-command"));
    $("copy-plan").addEventListener("click", () => copy("plan-command", "copy-plan"));
    $("apply-plan").addEventListener("click", () => applyPlan());
    $("as-published").addEventListener("change", updateCommand);
    document.body.dataset.state = "loading";
    render();
    // The rows, the machine and the plan together: the rows get their first choice
    // from the plan, so nothing is selected before it has come.
    const [opts, machine, plan] = await Promise.all([getJson("/api/options"), getJson("/api/machine"), getJson("/api/plan")]);
    if (!opts.ok) {
      $("command").classList.add("error");
      $("command").classList.remove("loading");
      $("command").textContent = opts.body.error;
      return;
    }
    state.options = opts.body;
    state.machine = machine;
    state.plan = plan;
    document.body.dataset.plan = plan.ok ? "ready" : "unavailable";
    if (/Win/.test(navigator.platform)) state.choice.os = "windows";
    else if (/Mac/.test(navigator.platform)) state.choice.os = "macos";
    state.loaded = true;
    if (!(await applyPlan())) {
      // No plan to follow: the site's defaults (stable, this OS, pip, the first CUDA).
      await loadRows();
      settle();
      render();
      await updateCommand();
    }
    render();
    document.body.dataset.prefilled = "done";
  }
  document.addEventListener("DOMContentLoaded", start);
})();
