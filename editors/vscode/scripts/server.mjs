// Build the release server and copy it to server/claimls, where the packaged extension looks first.
// CARGO_TARGET_DIR is honoured; without it cargo uses the repository's own target/.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const extension = path.resolve(here, "..");
const repo = path.resolve(extension, "..", "..");
const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(repo, "target");
const exe = process.platform === "win32" ? "claimls.exe" : "claimls";

execFileSync("cargo", ["build", "--release", "--locked", "-p", "claimls"], { cwd: repo, stdio: "inherit" });

const built = path.join(target, "release", exe);
if (!fs.existsSync(built)) {
  console.error(`server.mjs: cargo finished but ${built} is missing; is CARGO_TARGET_DIR pointing somewhere else?`);
  process.exit(1);
}
fs.mkdirSync(path.join(extension, "server"), { recursive: true });
const dest = path.join(extension, "server", exe);
fs.copyFileSync(built, dest);
fs.chmodSync(dest, 0o755);
// The release profile keeps line tables for profiling; the shipped copy does not need them (39 MB → 7 MB).
try {
  execFileSync("strip", ["--strip-debug", dest], { stdio: "ignore" });
} catch {
  console.warn("server.mjs: `strip` not found; the bundled server keeps its debug line tables");
}

// The rule docs, where the server looks for them next to its binary (server/../share/doc/claimls/), so
// diagnostics link to this copy and "Show Docs of the Rule" opens it: the repository's docs/rules.md, else
// what the binary itself prints (`claimls explain --all`).
const docsDir = path.join(extension, "share", "doc", "claimls");
fs.rmSync(path.join(extension, "share"), { recursive: true, force: true });
fs.mkdirSync(docsDir, { recursive: true });
const rules = path.join(repo, "docs", "rules.md");
if (fs.existsSync(rules)) {
  fs.copyFileSync(rules, path.join(docsDir, "rules.md"));
} else {
  try {
    const text = execFileSync(dest, ["explain", "--all"], { encoding: "utf8" });
    if (!text.trim()) {
      throw new Error("it printed nothing");
    }
    fs.writeFileSync(path.join(docsDir, "rules.md"), text);
  } catch (err) {
    console.warn(`server.mjs: no docs/rules.md and \`claimls explain --all\` failed (${err.message}); the .vsix carries no rule docs`);
  }
}
console.log(`server.mjs: bundled ${built} as server/${exe}`);
