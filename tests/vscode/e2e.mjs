// End-to-end test of the claimls extension in a real VS Code (code-server), driven by headless Chromium.
//
// Run through tests/vscode/run.sh, which installs code-server and playwright-core, builds the .vsix and
// passes their locations in the environment:
//   CODE_SERVER   the code-server executable
//   E2E_MODULES   a folder whose node_modules holds playwright-core
//   VSIX          the packaged extension
//   CLAIMLS       the server binary (for the expected findings, via `claimls check --format json`)
//   OUT           where screenshots and logs go
// Every process started here (code-server and its children) runs in its own process group and is
// killed as a group at the end, on failure and on SIGINT/SIGTERM.

import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`e2e.mjs: ${name} is not set; run tests/vscode/run.sh`);
    process.exit(2);
  }
  return value;
};
const CODE_SERVER = env("CODE_SERVER");
const VSIX = env("VSIX");
const CLAIMLS = env("CLAIMLS");
const OUT = env("OUT");
const { chromium } = createRequire(path.join(env("E2E_MODULES"), "package.json"))("playwright-core");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// ---------------------------------------------------------------------------------------------------
// A tiny harness: named steps, each passes or fails; later steps still run unless they need an earlier one.

const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
    return true;
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${String(err?.stack ?? err).split("\n").join("\n     ")}`);
    if (page) {
      const file = path.join(OUT, `failure-${results.length}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      console.log(`     screenshot: ${path.relative(repo, file)}`);
    }
    return false;
  }
}
function assert(cond, message) {
  if (!cond) {
    throw new Error(message);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, fn, timeout = 20_000) {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) {
        return v;
      }
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

// ---------------------------------------------------------------------------------------------------
// Processes

let server; // code-server, leader of its own process group
let browser;
let page;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) {
    return;
  }
  const exited = new Promise((r) => server.once("exit", r));
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  // The group may outlive its leader for a moment (extension host, language server).
  for (let i = 0; i < 25; i++) {
    try {
      process.kill(-server.pid, 0);
    } catch {
      return;
    }
    await sleep(200);
  }
  try {
    process.kill(-server.pid, "SIGKILL");
  } catch {
    // gone
  }
}

async function cleanup() {
  await browser?.close().catch(() => {});
  browser = undefined;
  await stopServer();
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------------
// Set-up: a fresh profile, the .vsix installed, a workspace with the fixtures.

const home = path.join(OUT, "profile");
const userData = path.join(home, "user-data");
const extensions = path.join(home, "extensions");
const workspace = path.join(OUT, "workspace");
fs.rmSync(home, { recursive: true, force: true });
fs.rmSync(workspace, { recursive: true, force: true });
fs.mkdirSync(path.join(userData, "User"), { recursive: true });
fs.mkdirSync(extensions, { recursive: true });
fs.mkdirSync(workspace, { recursive: true });
for (const f of ["waste.claim", "ocrevus.claim"]) {
  fs.copyFileSync(path.join(repo, "tests", "fixtures", f), path.join(workspace, f));
}
fs.writeFileSync(
  path.join(userData, "User", "settings.json"),
  JSON.stringify(
    {
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "workbench.enableExperiments": false,
      "workbench.colorTheme": "Default Light Modern",
      "security.workspace.trust.enabled": false,
      "telemetry.telemetryLevel": "off",
      "update.mode": "none",
      "extensions.autoUpdate": false,
      "extensions.autoCheckUpdates": false,
      "extensions.ignoreRecommendations": true,
      "editor.quickSuggestions": { other: true, comments: false, strings: false },
      "editor.hover.delay": 300,
      "editor.minimap.enabled": false,
      "window.restoreWindows": "none",
      "files.hotExit": "off",
      "chat.commandCenter.enabled": false,
      "git.enabled": false,
      "git.openRepositoryInParentFolders": "never",
      "workbench.editor.enablePreview": false,
      "claimls.trace.server": "messages",
    },
    null,
    2,
  ),
);
// examples/ocrevus-maintenance.claim without its comments and billed lines (the editor bills it), and a
// claim whose admin has only its dose (for keyword filtering).
fs.writeFileSync(
  path.join(workspace, "bill.claim"),
  fs
    .readFileSync(path.join(repo, "examples", "ocrevus-maintenance.claim"), "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trimEnd())
    .filter((l) => l !== "" && !/^\s*line /.test(l))
    .join("\n") + "\n",
);
fs.writeFileSync(path.join(workspace, "keywords.claim"), "claim K1\n  payer medicare\n  admin ocrelizumab\n    dose 600 mg\n");
const dataDir = path.join(home, "claimls-data");
const codeServerConfig = path.join(home, "config.yaml");
fs.writeFileSync(codeServerConfig, "auth: none\ncert: false\n");

const commonArgs = ["--config", codeServerConfig, "--user-data-dir", userData, "--extensions-dir", extensions];

/** Diagnostics that `claimls check` reports for a file: the same engine the server runs. */
function expectedFindings(file) {
  let stdout;
  try {
    stdout = execFileSync(CLAIMLS, ["check", "--format", "json", file], { encoding: "utf8" });
  } catch (err) {
    // Exit 1 means "errors found": the JSON is still on stdout.
    if (err.status !== 1) {
      throw new Error(`claimls check failed (exit ${err.status}): ${err.stderr}`);
    }
    stdout = err.stdout;
  }
  const report = JSON.parse(stdout);
  return report.files.flatMap((f) => f.diagnostics);
}

// ---------------------------------------------------------------------------------------------------
// Helpers on the workbench

const editorText = async () =>
  (await page.locator(".monaco-editor .view-lines").first().innerText()).replace(/\u00a0/g, " ");

/** The rendered token whose whole text is `text` (the nth such token): its class and centre. */
async function token(text, nth = 0) {
  const found = await page.evaluate(
    ([want, index]) => {
      const spans = [...document.querySelectorAll(".monaco-editor .view-lines .view-line span > span")];
      const hits = spans.filter((s) => s.textContent.trim() === want);
      const el = hits[index];
      if (!el) {
        return undefined;
      }
      const r = el.getBoundingClientRect();
      return { className: el.className, x: r.x + r.width / 2, y: r.y + r.height / 2 };
    },
    [text, nth],
  );
  if (!found) {
    const html = await page.locator(".monaco-editor .view-lines").first().innerHTML().catch(() => "");
    fs.writeFileSync(path.join(OUT, "view-lines.html"), html);
    throw new Error(`no token "${text}" on screen (the editor's lines are in view-lines.html)`);
  }
  return found;
}

async function openFile(name) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(name);
  await waitFor(`"${name}" in quick open`, async () =>
    (await page.locator(".quick-input-list .monaco-list-row").first().innerText()).includes(name),
  );
  await page.keyboard.press("Enter");
  await waitFor(`the editor tab of ${name}`, async () =>
    (await page.locator(".tabs-container .tab.active").innerText()).includes(name),
  );
}

/** Hover the token `text` until the editor's hover shows something matching `want`; its text. */
async function hoverOn(text, want, timeout = 20_000) {
  return waitFor(`a hover on ${text} matching ${want}`, async () => {
    const at = await token(text);
    await page.mouse.move(5, 5);
    await page.mouse.move(at.x - 3, at.y);
    await page.mouse.move(at.x, at.y, { steps: 3 });
    const hover = page.locator(".monaco-hover:visible").first();
    await hover.waitFor({ state: "visible", timeout: 3000 });
    const shown = (await hover.innerText()).replace(/\u00a0/g, " ");
    return want.test(shown) ? shown : undefined;
  }, timeout);
}

/** Run a command from the Command Palette by its title. */
async function runCommand(title) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`>${title}`);
  await waitFor(`"${title}" in the Command Palette`, async () =>
    (await page.locator(".quick-input-list .monaco-list-row").first().innerText()).includes(title),
  );
  await page.keyboard.press("Enter");
}

/** The rows of the open quick pick (label, description, detail as one text each). */
const quickPickRows = async () =>
  (await page.locator(".quick-input-widget .quick-input-list .monaco-list-row").allInnerTexts()).map((t) =>
    t.replace(/\u00a0/g, " "),
  );

/** The numbers in the status bar's problems item: errors, warnings (and infos when VS Code shows them). */
async function statusBarProblems() {
  const item = page.locator('[id="status.problems"]');
  const label = (await item.getAttribute("aria-label")) ?? (await item.innerText());
  // "Errors: 1, Warnings: 2" (aria-label), or "1 error" in other versions; a kind that is absent is 0.
  const count = (word) => {
    const m = label.match(new RegExp(`${word}s?:\\s*(\\d+)|(\\d+)\\s*${word}`, "i"));
    return Number(m?.[1] ?? m?.[2] ?? 0);
  };
  return { errors: count("error"), warnings: count("warning"), infos: count("info"), label };
}

async function problemsPanelText() {
  const panel = page.locator(".markers-panel");
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press("Control+Shift+M");
    await panel.waitFor({ state: "visible", timeout: 10_000 });
  }
  return (await panel.innerText()).replace(/\u00a0/g, " ");
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(OUT, { recursive: true });

  const installed = await step("the .vsix installs into code-server", async () => {
    const log = execFileSync(CODE_SERVER, [...commonArgs, "--install-extension", VSIX, "--force"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    fs.writeFileSync(path.join(OUT, "install.log"), log);
    const list = execFileSync(CODE_SERVER, [...commonArgs, "--list-extensions", "--show-versions"], {
      encoding: "utf8",
    });
    assert(/claimls\.claimls@/.test(list), `extension not listed after install:\n${list}`);
  });
  if (!installed) {
    return;
  }

  const port = await freePort();
  const serverLog = fs.openSync(path.join(OUT, "code-server.log"), "w");
  server = spawn(
    CODE_SERVER,
    [
      ...commonArgs,
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      workspace,
    ],
    {
      detached: true,
      stdio: ["ignore", serverLog, serverLog],
      // Imported code data goes to the test's own folder, never to the machine's user data.
      env: { ...process.env, CLAIMLS_DATA_DIR: dataDir, XDG_DATA_HOME: path.join(home, "xdg-data") },
    },
  );
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  await waitFor("code-server to listen", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    return res?.ok;
  }, 60_000);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  const consoleLog = fs.createWriteStream(path.join(OUT, "browser-console.log"));
  page.on("console", (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  await page.goto(url);
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 60_000 });
  await page.locator('[id="status.problems"]').waitFor({ state: "visible", timeout: 60_000 });

  let expected = [];
  await step("the fixture has exactly one error, waste-jw-missing (claimls check)", async () => {
    expected = expectedFindings(path.join(workspace, "waste.claim"));
    fs.writeFileSync(path.join(OUT, "expected-findings.json"), JSON.stringify(expected, null, 2));
    const errors = expected.filter((d) => d.severity === "error").map((d) => d.rule);
    assert(
      errors.length === 1 && errors[0] === "waste-jw-missing",
      `claimls check reports errors ${JSON.stringify(errors)} for tests/fixtures/waste.claim`,
    );
  });

  const opened = await step("waste.claim opens in the claim language", async () => {
    await openFile("waste.claim");
    await waitFor("the language mode 'Claim draft'", async () =>
      (await page.locator('[id="status.editor.mode"]').innerText()).includes("Claim draft"),
    );
    const text = await editorText();
    assert(text.includes("line J1745 units 35"), "the editor does not show the fixture text");
  });

  await step("the TextMate grammar colours keywords and codes differently from plain text", async () => {
    assert(opened, "needs the open file");
    await waitFor("tokens", () => token("line"), 10_000);
    const keyword = (await token("line")).className;
    const code = (await token("J1745")).className;
    const unit = (await token("mg")).className;
    assert(new Set([keyword, code, unit]).size === 3, `line / J1745 / mg share colours: ${keyword} / ${code} / ${unit}`);
  });

  const squiggle = await step("the waste finding is squiggled", async () => {
    assert(opened, "needs the open file");
    await page.locator(".monaco-editor .squiggly-error").first().waitFor({ state: "attached", timeout: 30_000 });
  });

  await step("the Problems count is right", async () => {
    assert(squiggle, "needs the diagnostics");
    const want = {
      errors: expected.filter((d) => d.severity === "error").length,
      warnings: expected.filter((d) => d.severity === "warning").length,
    };
    const got = await waitFor("the status bar problem counts", async () => {
      const p = await statusBarProblems();
      return p.errors === want.errors && p.warnings === want.warnings ? p : undefined;
    }, 10_000).catch(async () => {
      const p = await statusBarProblems();
      throw new Error(`status bar says "${p.label}", claimls check says ${JSON.stringify(want)}`);
    });
    const panel = await problemsPanelText();
    fs.writeFileSync(path.join(OUT, "problems-before-fix.txt"), panel);
    const shown = (panel.match(/waste-jw-missing/g) ?? []).length;
    assert(shown === 1, `the Problems panel shows waste-jw-missing ${shown} times:\n${panel}`);
    const total = expected.length;
    const badge = await page
      .locator('.panel .composite-bar .action-item:has-text("Problems") .badge-content, .activity-bar-badge .badge-content')
      .first()
      .innerText()
      .catch(() => undefined);
    if (badge !== undefined && /^\d+$/.test(badge.trim())) {
      assert(Number(badge) === total, `the Problems badge says ${badge}, claimls check reports ${total}`);
    }
    console.log(`     status bar: ${got.label}; panel badge: ${badge ?? "-"}; findings: ${total}`);
  });

  await step("screenshot of the finding and its hover", async () => {
    assert(squiggle, "needs the diagnostics");
    // Focus the editor (the Problems panel has it), then hover the squiggled code.
    const line = await token("infliximab");
    await page.mouse.click(line.x, line.y);
    await hoverOn("J1745", /waste-jw-missing/);
    await sleep(500);
    const file = path.join(OUT, "screenshot.png");
    await page.screenshot({ path: file });
    assert(fs.statSync(file).size > 10_000, "the screenshot is suspiciously small");
    await page.mouse.move(5, 5);
    await page.keyboard.press("Escape");
  });

  await step("claimls: Show Docs of the Rule Under the Cursor opens the rule's section", async () => {
    assert(squiggle, "needs the diagnostics");
    const code = await token("J1745");
    await page.mouse.click(code.x, code.y);
    await runCommand("claimls: Show Docs of the Rule Under the Cursor");
    await waitFor("rules.md or the rule's explanation in an editor", async () => {
      const tabs = (await page.locator(".tabs-container .tab.active").allInnerTexts()).join(" ");
      const groups = await page.locator(".monaco-editor .view-lines").allInnerTexts();
      return /rules\.md|Untitled/.test(tabs) && groups.some((t) => t.replace(/\u00a0/g, " ").includes("waste-jw-missing"));
    });
    await page.keyboard.press("Control+W");
    await openFile("waste.claim");
  });

  await step("claimls: Restart Server brings the findings back", async () => {
    assert(squiggle, "needs the diagnostics");
    await runCommand("claimls: Restart Server");
    await waitFor("the restart message", async () => (await page.locator(".statusbar").innerText()).includes("server restarted"));
    await page.locator(".monaco-editor .squiggly-error").first().waitFor({ state: "attached", timeout: 30_000 });
    await waitFor("waste-jw-missing in the Problems panel", async () => (await problemsPanelText()).includes("waste-jw-missing"));
  });

  await step("the quick fix adds the JW line and the finding clears", async () => {
    assert(squiggle, "needs the diagnostics");
    const code = await token("J1745");
    await page.mouse.click(code.x, code.y);
    await page.keyboard.press("Control+Period");
    const menu = page.locator(".action-widget");
    await menu.waitFor({ state: "visible", timeout: 10_000 });
    // Group headers ("Quick Fix") are rows too, but not selectable; the menu opens on the first action.
    const rows = menu.locator(".monaco-list-row:not(.group-header)");
    const titles = await rows.allInnerTexts();
    fs.writeFileSync(path.join(OUT, "quick-fixes.txt"), titles.join("\n"));
    const index = titles.findIndex((t) => /\bJW\b/.test(t));
    assert(index >= 0, `no quick fix mentions JW: ${JSON.stringify(titles)}`);
    // The menu sits under a pointer block; choose by keyboard, as a coder would.
    for (let i = 0; i < index; i++) {
      await page.keyboard.press("ArrowDown");
    }
    await page.keyboard.press("Enter");
    // The rendered lines carry inlay hints between the tokens: save, and read the file itself.
    const file = path.join(workspace, "waste.claim");
    await waitFor("the JW line in the saved file", async () => {
      await page.keyboard.press("Control+S");
      await sleep(300);
      return /^\s*line\s+J1745\s+JW\s+units\s+5\b/m.test(fs.readFileSync(file, "utf8"));
    });
    await waitFor("waste-jw-missing to leave the Problems panel", async () => !(await problemsPanelText()).includes("waste-jw-missing"));
    await waitFor("no error squiggle", async () => (await page.locator(".monaco-editor .squiggly-error").count()) === 0);
    fs.writeFileSync(path.join(OUT, "problems-after-fix.txt"), await problemsPanelText());
  });

  await step("hover on J2350 shows ocrelizumab and its 1 mg billing unit", async () => {
    await openFile("ocrevus.claim");
    await waitFor("J2350 on screen", () => token("J2350"), 10_000);
    const hoverText = await hoverOn("J2350", /ocrelizumab/i);
    fs.writeFileSync(path.join(OUT, "hover-J2350.txt"), hoverText);
    assert(/\b1\s*mg\b/i.test(hoverText), `the hover does not give the 1 mg billing unit:\n${hoverText}`);
    await page.mouse.move(5, 5);
  });

  await step("completion after `line ocre` offers J2350", async () => {
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    // The file ends with a newline: Control+End lands on an empty last line.
    await page.keyboard.type("  line ocre", { delay: 30 });
    const widget = page.locator(".suggest-widget");
    const items = await waitFor("J2350 in the completion list", async () => {
      if (!(await widget.isVisible())) {
        await page.keyboard.press("Control+Space");
        await widget.waitFor({ state: "visible", timeout: 3000 });
      }
      const texts = (await widget.locator(".monaco-list-row").allInnerTexts()).map((t) => t.replace(/\u00a0/g, " "));
      return texts.some((t) => t.includes("J2350")) ? texts : undefined;
    }, 20_000);
    fs.writeFileSync(path.join(OUT, "completion-line-ocre.txt"), items.join("\n---\n"));
    await page.keyboard.press("Escape");
  });

  /** The rows of the suggest widget after typing `text` at the end of the editor (opened with Ctrl+Space). */
  async function suggestAfter(text, want) {
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(text, { delay: 30 });
    // Whatever opened while typing answered an earlier prefix: close it and ask at the final position.
    await sleep(300);
    await page.keyboard.press("Escape");
    await sleep(300);
    const widget = page.locator(".suggest-widget");
    return waitFor(`completion rows after ${JSON.stringify(text)}`, async () => {
      if (!(await widget.isVisible())) {
        await page.keyboard.press("Control+Space");
        await widget.waitFor({ state: "visible", timeout: 3000 });
      }
      const rows = (await widget.locator(".monaco-list-row").allInnerTexts()).map((t) => t.replace(/\u00a0/g, " "));
      return want(rows) ? rows : undefined;
    }, 20_000);
  }

  await step("\"Bill this administration\" writes the lines and the claim is clean", async () => {
    await openFile("bill.claim");
    await waitFor("ocrelizumab on screen", () => token("ocrelizumab"), 10_000);
    const file = path.join(workspace, "bill.claim");
    const at = await token("ocrelizumab");
    await page.mouse.click(at.x, at.y);
    const titles = await waitFor("a Bill this administration action", async () => {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+Period");
      const menu = page.locator(".action-widget");
      await menu.waitFor({ state: "visible", timeout: 5000 });
      const rows = await menu.locator(".monaco-list-row:not(.group-header)").allInnerTexts();
      return rows.some((t) => /Bill this administration/.test(t)) ? rows : undefined;
    });
    fs.writeFileSync(path.join(OUT, "bill-actions.txt"), titles.join("\n"));
    const index = titles.findIndex((t) => /Bill this administration/.test(t));
    for (let i = 0; i < index; i++) {
      await page.keyboard.press("ArrowDown");
    }
    await page.keyboard.press("Enter");
    await waitFor("the billed lines in the saved file", async () => {
      await page.keyboard.press("Control+S");
      await sleep(300);
      return /line J2350 JZ units 600 dx A\n\s*line 96413 units 1 dx A\n\s*line 96415 units 3 dx A/.test(fs.readFileSync(file, "utf8"));
    });
    const after = expectedFindings(file);
    fs.writeFileSync(path.join(OUT, "bill-findings.json"), JSON.stringify(after, null, 2));
    const bad = after.filter((d) => d.severity === "error" || d.rule === "line-missing").map((d) => d.rule);
    assert(bad.length === 0, `claimls check after billing reports ${JSON.stringify(bad)}`);
    await waitFor("no error squiggle", async () => (await page.locator(".monaco-editor .squiggly-error").count()) === 0);
  });

  await step("`units ` completion offers the value the record gives", async () => {
    const rows = await suggestAfter("  line 96366 units ", (rows) => rows.some((t) => t.trim().startsWith("3")));
    fs.writeFileSync(path.join(OUT, "completion-units.txt"), rows.join("\n---\n"));
    assert(rows.length === 1 && rows[0].trim().startsWith("3"), `units after 96366: ${JSON.stringify(rows)}`);
    await page.keyboard.press("Escape");
  });

  await step("keywords narrow by what is typed: `r` under an admin is reaction, route", async () => {
    await openFile("keywords.claim");
    await waitFor("ocrelizumab on screen", () => token("ocrelizumab"), 10_000);
    const rows = await suggestAfter("    r", (rows) => rows.some((t) => t.trim().startsWith("route")));
    fs.writeFileSync(path.join(OUT, "completion-r.txt"), rows.join("\n---\n"));
    const words = rows.map((t) => t.trim().split(/\s+/)[0]).sort();
    assert(JSON.stringify(words) === JSON.stringify(["reaction", "route"]), `\`r\` shows ${JSON.stringify(rows)}`);
    await page.keyboard.press("Escape");
  });

  await step("claimls: Look Up a Code… finds J2350 from `ocre` and shows its billing unit", async () => {
    await runCommand("claimls: Look Up a Code");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill("ocre");
    const rows = await waitFor("J2350 among the matches", async () => {
      const r = await quickPickRows();
      return r.some((t) => t.includes("J2350")) ? r : undefined;
    });
    // Not a code: close matches are offered; choosing J2350 looks it up.
    const index = rows.findIndex((t) => t.includes("J2350"));
    for (let i = 0; i < index; i++) {
      await page.keyboard.press("ArrowDown");
    }
    await page.keyboard.press("Enter");
    await waitFor("the J2350 entry", async () => {
      const r = await quickPickRows();
      return r.length > 0 && r[0].startsWith("J2350") && /ocrelizumab/i.test(r[0]);
    });
    await sleep(200);
    await page.keyboard.press("Enter");
    const text = await waitFor("the lookup text in an editor", async () => {
      const groups = await page.locator(".monaco-editor .view-lines").allInnerTexts();
      return groups.map((t) => t.replace(/\u00a0/g, " ")).find((t) => t.includes("billing unit"));
    });
    fs.writeFileSync(path.join(OUT, "lookup-J2350.txt"), text);
    assert(/1 mg/.test(text), `the lookup does not give the 1 mg billing unit:\n${text}`);
  });

  // The official place-of-service file is small: import it through the command and its file dialog.
  const refdata = process.env.CLAIMLS_REFDATA ?? path.resolve(repo, "..", "shared", "refdata");
  const posDir = path.join(refdata, "pos");
  const posFile = fs.existsSync(posDir) ? fs.readdirSync(posDir).find((f) => !f.startsWith(".")) : undefined;
  if (!posFile) {
    if (process.env.CI) {
      await step("claimls: Import Official Code Files… (needs ../shared/refdata/pos)", async () => {
        throw new Error(`the official files are not at ${posDir} (set CLAIMLS_REFDATA)`);
      });
    } else {
      console.log(`SKIPPED: claimls: Import Official Code Files… — ${posDir} not found (set CLAIMLS_REFDATA)`);
    }
  } else {
    await step("claimls: Import Official Code Files… imports a picked file with a progress notification", async () => {
      await runCommand("claimls: Import Official Code Files");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: 10_000 });
      // The dialog fills in its start folder asynchronously: type the file once that has settled.
      const want = path.join(posDir, posFile);
      await waitFor("the file path in the dialog", async () => {
        await input.fill(want);
        await sleep(500);
        return (await input.inputValue()) === want;
      });
      await page.keyboard.press("Enter");
      const message = await waitFor("the import's outcome", async () => {
        const toasts = (await page.locator(".notifications-toasts").innerText().catch(() => "")).replace(/\u00a0/g, " ");
        const outcome = /claimls: import (finished|failed)[^\n]*/.exec(toasts)?.[0];
        if (!outcome && (await input.isVisible()) && (await input.inputValue()) === want) {
          await page.keyboard.press("Enter"); // the dialog was still validating the path
        }
        return outcome;
      }, 60_000);
      fs.writeFileSync(path.join(OUT, "import-message.txt"), message);
      assert(message.includes("finished"), message);
      assert(fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0, `nothing written to ${dataDir}`);
    });
  }
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  results.push({ name: "harness", ok: false });
  console.log(`FAIL harness: ${String(err?.stack ?? err)}`);
} finally {
  await cleanup();
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  exitCode = failed === 0 && passed > 0 ? 0 : 1;
  console.log(`vscode-e2e: ${passed} passed, ${failed} failed`);
}
process.exit(exitCode);
