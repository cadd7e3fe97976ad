// The claimls VS Code extension: starts `claimls lsp` and adds a few commands around it. Lookups and
// rule docs come from the server's custom requests (`claimls/lookup`, `claimls/explain`); only
// `claimls data import` runs the executable itself.

import { spawn } from "node:child_process";
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

/** One entry of the `claimls/lookup` answer (crates/claimls-lsp/src/requests.rs). */
export interface LookupEntry {
  code: string;
  /** `code`, `modifier`, `diagnosis`, `place-of-service`, `ndc`, `drug`, or `close-match`. */
  kind: string;
  label: string;
  /** The full text of the entry; empty for a close match. */
  detail: string;
}

interface LookupItem extends vscode.QuickPickItem {
  /** The full answer, shown when the item is chosen. */
  text: string;
  /** A close match: choosing it looks this up instead. */
  requery?: string;
}

/** The `claimls/lookup` answer as quick-pick items; a close match looks its code up when chosen. */
export function lookupItems(query: string, entries: LookupEntry[]): LookupItem[] {
  if (entries.length === 0) {
    return [{ label: `$(info) nothing known about "${query}" in the code data`, text: "", alwaysShow: true }];
  }
  const items: LookupItem[] = [];
  if (entries.every((e) => e.kind === "close-match")) {
    items.push({ label: `$(info) nothing known about "${query}"; close matches:`, text: "", alwaysShow: true });
  }
  for (const e of entries) {
    if (e.kind === "close-match") {
      items.push({ label: e.code, description: e.label, detail: "close match: look it up", text: "", requery: e.code, alwaysShow: true });
      continue;
    }
    items.push({
      label: e.code,
      description: e.label,
      detail: e.detail
        .split("\n")
        .slice(1, 4)
        .map((l) => l.trim())
        .filter((l) => l)
        .join(" · "),
      text: e.detail,
      alwaysShow: true,
    });
  }
  return items;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const extension = new ClaimlsExtension(context);
  context.subscriptions.push(extension);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  // The extension object is disposed with the context's subscriptions, which stops the server.
}

/** Everything the extension holds while it is active: no module-level state. */
class ClaimlsExtension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private serverLocation: ServerLocation | undefined;
  private readonly output: vscode.OutputChannel;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel("claimls");
    context.subscriptions.push(
      this.output,
      vscode.commands.registerCommand("claimls.restartServer", () => this.restart()),
      vscode.commands.registerCommand("claimls.lookupCode", () => this.lookupCode()),
      vscode.commands.registerCommand("claimls.showRuleDocs", () => this.showRuleDocs()),
      vscode.commands.registerCommand("claimls.importCodeFiles", () => this.importCodeFiles()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("claimls.server.path") || e.affectsConfiguration("claimls.config")) {
          void this.restart();
        }
      }),
    );
  }

  dispose(): void {
    void this.stop();
  }

  /** Resolve the server; on failure show the reason with buttons that lead to the fix. */
  private resolveServer(): ServerLocation | undefined {
    const setting = vscode.workspace.getConfiguration("claimls").get<string>("server.path", "");
    try {
      const found = locateServer(setting, this.context.extensionPath);
      this.output.appendLine(`claimls: using the server from ${found.source}: ${found.command}`);
      return found;
    } catch (err) {
      const message = err instanceof ServerNotFound ? err.message : String(err);
      this.output.appendLine(message);
      void vscode.window.showErrorMessage(message, "Open Settings", "Show Log").then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", "claimls.server.path");
        } else if (choice === "Show Log") {
          this.output.show();
        }
      });
      return undefined;
    }
  }

  async start(): Promise<void> {
    this.serverLocation = this.resolveServer();
    if (!this.serverLocation) {
      return;
    }
    const run = { command: this.serverLocation.command, args: ["lsp"], options: { env: serverEnv() } };
    const serverOptions: ServerOptions = { run, debug: run };
    // The server registers its own `claimls.toml` watcher (workspace/didChangeWatchedFiles), so the
    // client adds none; the payer config file goes to the server as CLAIMLS_CONFIG.
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "claim" },
        { scheme: "untitled", language: "claim" },
      ],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    };
    const client = new LanguageClient("claimls", "claimls", serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      const message = `claimls: the server ${this.serverLocation.command} did not start: ${String(err)}`;
      this.output.appendLine(message);
      void vscode.window.showErrorMessage(message, "Show Log").then((c) => c && this.output.show());
    }
  }

  private async stop(): Promise<void> {
    const running = this.client;
    this.client = undefined;
    if (running) {
      try {
        await running.stop(5000);
      } catch (err) {
        this.output.appendLine(`claimls: stopping the server failed: ${String(err)}`);
      }
    }
  }

  private async restart(): Promise<void> {
    await this.stop();
    await this.start();
    if (this.client) {
      void vscode.window.setStatusBarMessage("claimls: server restarted", 3000);
    }
  }

  /** The running client, or undefined after telling the coder why there is none. */
  private runningClient(): LanguageClient | undefined {
    if (this.client?.isRunning()) {
      return this.client;
    }
    void vscode.window.showErrorMessage("claimls: the language server is not running; see the claimls output.", "Show Log").then(
      (c) => c && this.output.show(),
    );
    return undefined;
  }

  /** A quick pick: type a code, an NDC or a drug name; each entry of `claimls/lookup` is an item. */
  private async lookupCode(): Promise<void> {
    const client = this.runningClient();
    if (!client) {
      return;
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
    let cancel: vscode.CancellationTokenSource | undefined;
    let generation = 0;
    const query = (value: string) => {
      const text = value.trim();
      if (pending) {
        clearTimeout(pending);
      }
      cancel?.cancel();
      if (!text) {
        pick.items = [];
        return;
      }
      pending = setTimeout(async () => {
        const mine = ++generation;
        cancel = new vscode.CancellationTokenSource();
        pick.busy = true;
        try {
          const entries = await client.sendRequest<LookupEntry[]>("claimls/lookup", { query: text }, cancel.token);
          if (mine === generation) {
            pick.items = lookupItems(text, entries);
          }
        } catch (err) {
          if (mine === generation) {
            pick.items = [{ label: `$(error) ${String(err)}`, text: String(err), alwaysShow: true }];
          }
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
      if (chosen && !chosen.text) {
        return;
      }
      pick.hide();
      if (chosen) {
        const doc = await vscode.workspace.openTextDocument({ content: chosen.text, language: "plaintext" });
        await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      }
    });
    pick.onDidHide(() => {
      cancel?.cancel();
      pick.dispose();
    });
    pick.show();
    query(pick.value);
  }

  /** Open docs/rules.md (workspace copy, else the one bundled with the extension) at the rule's anchor. */
  private async showRuleDocs(): Promise<void> {
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
    // rule's heading; then the published docs; then the server's `claimls/explain`.
    const candidates = [
      rule.href?.scheme === "file" ? rule.href.fsPath : undefined,
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, "docs", "rules.md")),
      path.join(this.context.extensionPath, "share", "doc", "claimls", "rules.md"),
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
    const client = this.runningClient();
    if (!client) {
      return;
    }
    try {
      const markdown = await client.sendRequest<string>("claimls/explain", { rule: rule.id });
      const doc = await vscode.workspace.openTextDocument({ content: markdown, language: "markdown" });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    } catch (err) {
      void vscode.window.showErrorMessage(`claimls: cannot show the docs of ${rule.id}: ${String(err)}`);
    }
  }

  /** `claimls data import <folder>` with a progress notification; the server picks the new data up itself. */
  private async importCodeFiles(): Promise<void> {
    if (!this.serverLocation) {
      this.serverLocation = this.resolveServer();
      if (!this.serverLocation) {
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
    const command = this.serverLocation.command;
    const paths = picked.map((u) => u.fsPath);
    const output = this.output;
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
