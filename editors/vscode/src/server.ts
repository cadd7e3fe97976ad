// Finding the `claimls` executable: the setting, then the bundled binary, then PATH.

import * as fs from "node:fs";
import * as path from "node:path";

/** Where a server executable was found, and why it was chosen (shown in the output channel). */
export interface ServerLocation {
  command: string;
  source: "setting" | "bundled" | "PATH";
}

/** The server could not be found; `message` tells the coder what to do. */
export class ServerNotFound extends Error {}

const EXE = process.platform === "win32" ? "claimls.exe" : "claimls";

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Search `PATH` the way a shell does, without running anything. */
export function findOnPath(name: string, envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * Lookup order: `claimls.server.path` → `<extension>/server/claimls` → `claimls` on PATH.
 * A setting that points nowhere is an error of its own (not silently skipped), so a typo is noticed.
 */
export function locateServer(settingPath: string, extensionPath: string, expandHome = true): ServerLocation {
  const configured = settingPath.trim();
  if (configured) {
    const expanded =
      expandHome && configured.startsWith("~") ? path.join(process.env.HOME ?? "", configured.slice(1)) : configured;
    if (isExecutable(expanded)) {
      return { command: expanded, source: "setting" };
    }
    throw new ServerNotFound(
      `claimls: the setting "claimls.server.path" is "${configured}", but no executable is there. ` +
        `Fix the path (e.g. ~/.cargo/bin/claimls) or clear the setting to use the bundled server.`,
    );
  }
  const bundled = path.join(extensionPath, "server", EXE);
  if (isExecutable(bundled)) {
    return { command: bundled, source: "bundled" };
  }
  const onPath = findOnPath(EXE);
  if (onPath) {
    return { command: onPath, source: "PATH" };
  }
  throw new ServerNotFound(
    "claimls: no language server found. This build of the extension carries no server for " +
      `${process.platform}-${process.arch}. Install it with "cargo install --path crates/claimls" from the claimls ` +
      'repository (or put "claimls" on PATH), or set "claimls.server.path" to the executable, then run ' +
      '"claimls: Restart Server".',
  );
}
