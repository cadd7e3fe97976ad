// The claimls VS Code extension: starts `claimls lsp` and adds a few commands around it.

import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
} from "vscode-languageclient/node";
import { locateServer, type ServerLocation, ServerNotFound } from "./server";

let client: LanguageClient | undefined;
let serverLocation: ServerLocation | undefined;
let output: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("claimls");
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("claimls.restartServer", () => restart(context)),
    vscode.commands.registerCommand("claimls.lookupCode", () => lookupCode(context)),
    vscode.commands.registerCommand("claimls.showRuleDocs", () => showRuleDocs(context)),
    vscode.commands.registerCommand("claimls.importCodeFiles", () => importCodeFiles(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("claimls.server.path") || e.affectsConfiguration("claimls.config")) {
        void restart(context);
      }
    }),
  );

  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** The payer config file from the setting, absolute; undefined when the setting is empty. */
function configFile(): string | undefined {
  const value = vscode.workspace.getConfiguration("claimls").get<string>("config", "").trim();
  if (!value) {
    return undefined;
  }
  if (path.isAbsolute(value)) {
    return value;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, value) : path.resolve(value);
}

function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const config = configFile();
  if (config) {
    env.CLAIMLS_CONFIG = config;
  }
  return env;
}

/** Resolve the server; on failure show the reason with buttons that lead to the fix. */
function resolveServer(context: vscode.ExtensionContext): ServerLocation | undefined {
  const setting = vscode.workspace.getConfiguration("claimls").get<string>("server.path", "");
  try {
    const found = locateServer(setting, context.extensionPath);
    output.appendLine(`claimls: using the server from ${found.source}: ${found.command}`);
    return found;
  } catch (err) {
    const message = err instanceof ServerNotFound ? err.message : String(err);
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, "Open Settings", "Show Log").then((choice) => {
      if (choice === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "claimls.server.path");
      } else if (choice === "Show Log") {
        output.show();
      }
    });
    return undefined;
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  serverLocation = resolveServer(context);
  if (!serverLocation) {
    return;
  }
  const run = { command: serverLocation.command, args: ["lsp"], options: { env: serverEnv() } };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "claim" },
      { scheme: "untitled", language: "claim" },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/claimls.toml"),
    },
    initializationOptions: { config: configFile() ?? null },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  client = new LanguageClient("claimls", "claimls", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = `claimls: the server ${serverLocation.command} did not start: ${String(err)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, "Show Log").then((c) => c && output.show());
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop(5000);
    } catch (err) {
      output.appendLine(`claimls: stopping the server failed: ${String(err)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
  if (client) {
    void vscode.window.setStatusBarMessage("claimls: server restarted", 3000);
  }
}

/** Run `claimls <args>` once and collect its output; exit status 1 (not found) is an answer, not a failure. */
function runClaimls(args: string[], token?: vscode.CancellationToken): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (!serverLocation) {
      reject(new ServerNotFound("claimls: no server executable; see the claimls output channel."));
      return;
    }
    const child = execFile(
      serverLocation.command,
      args,
      { env: serverEnv(), maxBuffer: 8 * 1024 * 1024, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err && typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : err ? -1 : 0;
        if (err && code === -1) {
          reject(err);
          return;
        }
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    token?.onCancellationRequested(() => child.kill());
  });
}

interface LookupItem extends vscode.QuickPickItem {
  /** The full answer, shown when the item is chosen. */
  text: string;
  /** A close match: choosing it looks this up instead. */
  requery?: string;
}

/** A quick pick: type a code, an NDC or a drug name; each answer of `claimls lookup` is an item. */
async function lookupCode(context: vscode.ExtensionContext): Promise<void> {
  if (!serverLocation) {
    serverLocation = resolveServer(context);
    if (!serverLocation) {
      return;
    }
  }
  const pick = vscode.window.createQuickPick<LookupItem>();
  pick.placeholder = "A HCPCS/CPT code, modifier, ICD-10-CM code, POS, NDC or drug name (e.g. J2350, ocrelizumab)";
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === "claim") {
    const range = editor.document.getWordRangeAtPosition(editor.selection.active, /[A-Za-z0-9][A-Za-z0-9.\-]*/);
    if (range) {
      pick.value = editor.document.getText(range);
    }
  }
  let pending: NodeJS.Timeout | undefined;
  let generation = 0;
  const query = (value: string) => {
    const text = value.trim();
    if (pending) {
      clearTimeout(pending);
    }
    if (!text) {
      pick.items = [];
      return;
    }
    pending = setTimeout(async () => {
      const mine = ++generation;
      pick.busy = true;
      try {
        const result = await runClaimls(["lookup", text]);
        if (mine !== generation) {
          return;
        }
        pick.items = lookupItems(text, result);
      } catch (err) {
        pick.items = [{ label: `$(error) ${String(err)}`, text: String(err), alwaysShow: true }];
      } finally {
        if (mine === generation) {
          pick.busy = false;
        }
      }
    }, 150);
  };
  pick.onDidChangeValue(query);
  pick.onDidAccept(async () => {
    // After the items change, Enter may come before VS Code marks an item as selected: fall back to the
    // active item, or the only one.
    const chosen =
      pick.selectedItems[0] ?? pick.activeItems[0] ?? (pick.items.length === 1 ? pick.items[0] : undefined);
    if (chosen?.requery) {
      pick.value = chosen.requery;
      query(chosen.requery);
      return;
    }
    pick.hide();
    if (chosen) {
      const doc = await vscode.workspace.openTextDocument({ content: chosen.text, language: "plaintext" });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  query(pick.value);
}

/**
 * `claimls lookup` output as quick-pick items. Found (exit 0): one item per blank-line-separated entry,
 * its first line as label (the trailing "data: …" edition line goes into each item's text). Not found:
 * the message, then each "close matches" line as an item that looks that code up.
 */
export function lookupItems(query: string, result: { code: number; stdout: string; stderr: string }): LookupItem[] {
  const text = result.stdout.trim();
  if (result.code === 0 && text) {
    const entries = text.split(/\n\s*\n/);
    const edition = entries.length > 1 && /^data:/.test(entries[entries.length - 1]) ? entries.pop() : undefined;
    return entries.map((entry) => {
      const lines = entry.split("\n");
      const [code, ...descriptor] = lines[0].trim().split(/\s{2,}/);
      return {
        label: code,
        description: descriptor.join("  "),
        detail: lines
          .slice(1, 4)
          .map((l) => l.trim())
          .join(" · "),
        text: edition ? `${entry}\n\n${edition}\n` : `${entry}\n`,
        alwaysShow: true,
      };
    });
  }
  const message = (result.stderr || result.stdout).trim() || `nothing found for "${query}"`;
  const lines = message.split("\n");
  const items: LookupItem[] = [{ label: `$(info) ${lines[0]}`, text: message, alwaysShow: true }];
  const close = lines.findIndex((l) => /^close matches/i.test(l.trim()));
  if (close >= 0) {
    for (const l of lines.slice(close + 1)) {
      const m = l.match(/^\s+(\S+)\s{2,}(.*)$/);
      if (!m) {
        break;
      }
      items.push({ label: m[1], description: m[2], detail: "close match: look it up", text: l, requery: m[1], alwaysShow: true });
    }
  }
  return items;
}

/** The rule id of the claimls diagnostic under the cursor (or on the cursor's line). */
function ruleUnderCursor(editor: vscode.TextEditor): { id: string; href?: vscode.Uri } | undefined {
  const pos = editor.selection.active;
  const diagnostics = vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.source === "claimls" || d.code !== undefined);
  const onCursor = diagnostics.filter((d) => d.range.contains(pos));
  const onLine = diagnostics.filter((d) => d.range.start.line <= pos.line && d.range.end.line >= pos.line);
  const d = onCursor[0] ?? onLine[0];
  if (!d || d.code === undefined) {
    return undefined;
  }
  if (typeof d.code === "object") {
    return { id: String(d.code.value), href: d.code.target };
  }
  return { id: String(d.code) };
}

/** Open docs/rules.md (workspace copy, else the one bundled with the extension) at the rule's anchor. */
async function showRuleDocs(context: vscode.ExtensionContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("claimls: open a .claim file and put the cursor on a finding.");
    return;
  }
  const rule = ruleUnderCursor(editor);
  if (!rule) {
    void vscode.window.showInformationMessage("claimls: no claimls finding under the cursor.");
    return;
  }
  // A local copy first (the one the diagnostic links to, the workspace's, the extension's), at the
  // rule's heading; then the published docs; then `claimls explain`.
  const candidates = [
    rule.href?.scheme === "file" ? rule.href.fsPath : undefined,
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, "docs", "rules.md")),
    path.join(context.extensionPath, "share", "doc", "claimls", "rules.md"),
  ].filter((p): p is string => !!p);
  const file = candidates.find((p) => fs.existsSync(p));
  if (file) {
    await openAtHeading(file, rule.id);
    return;
  }
  if (rule.href && (rule.href.scheme === "https" || rule.href.scheme === "http")) {
    await vscode.env.openExternal(rule.href);
    return;
  }
  // No rules.md anywhere: ask the server binary to explain the rule.
  try {
    const result = await runClaimls(["explain", rule.id]);
    const doc = await vscode.workspace.openTextDocument({
      content: result.stdout || result.stderr,
      language: "markdown",
    });
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  } catch (err) {
    void vscode.window.showErrorMessage(`claimls: cannot show the docs of ${rule.id}: ${String(err)}`);
  }
}

/** Open a markdown file beside the editor with the heading `#… <id>` at the top (the anchor `#<id>`). */
async function openAtHeading(file: string, id: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const heading = new RegExp(`^#{1,6}\\s+\`?${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\`?\\s*$`);
  let line = 0;
  for (let i = 0; i < doc.lineCount; i++) {
    if (heading.test(doc.lineAt(i).text)) {
      line = i;
      break;
    }
  }
  const at = new vscode.Range(line, 0, line, 0);
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: true,
    selection: at,
  });
  editor.revealRange(at, vscode.TextEditorRevealType.AtTop);
}

/** `claimls data import <folder>` with a progress notification; the server picks the new data up itself. */
async function importCodeFiles(context: vscode.ExtensionContext): Promise<void> {
  if (!serverLocation) {
    serverLocation = resolveServer(context);
    if (!serverLocation) {
      return;
    }
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: true,
    canSelectMany: true,
    openLabel: "Import",
    title: "Official code files to import (HCPCS, ICD-10-CM, NDC–HCPCS crosswalk, MUE, POS, ASP)",
  });
  if (!picked || picked.length === 0) {
    return;
  }
  const command = serverLocation.command;
  const paths = picked.map((u) => u.fsPath);
  const outcome = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: "claimls: importing official code files",
      cancellable: true,
    },
    (progress, token) =>
      new Promise<{ code: number | null; log: string }>((resolve) => {
        const child = spawn(command, ["data", "import", ...paths], { env: serverEnv() });
        let log = "";
        const onData = (chunk: Buffer) => {
          const text = chunk.toString();
          log += text;
          output.append(text);
          const last = text.trim().split("\n").pop();
          if (last) {
            progress.report({ message: last.slice(0, 120) });
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        token.onCancellationRequested(() => child.kill());
        child.on("error", (err) => resolve({ code: -1, log: log + String(err) }));
        child.on("close", (code) => resolve({ code, log }));
      }),
  );
  if (outcome.code === 0) {
    const summary = outcome.log.trim().split("\n").pop() ?? "";
    void vscode.window.showInformationMessage(`claimls: import finished. ${summary}`);
  } else {
    const last = outcome.log.trim().split("\n").slice(-3).join(" ");
    void vscode.window.showErrorMessage(`claimls: import failed: ${last}`, "Show Log").then((c) => c && output.show());
  }
}
