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

// The docs the "show rule docs" command opens, when the repository has them.
const rules = path.join(repo, "docs", "rules.md");
fs.rmSync(path.join(extension, "docs"), { recursive: true, force: true });
if (fs.existsSync(rules)) {
  fs.mkdirSync(path.join(extension, "docs"), { recursive: true });
  fs.copyFileSync(rules, path.join(extension, "docs", "rules.md"));
}
console.log(`server.mjs: bundled ${built} as server/${exe}`);
