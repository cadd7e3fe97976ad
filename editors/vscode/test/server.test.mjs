// The server lookup order: the setting, then the bundled binary, then PATH, then a clear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";

const bundle = path.join(os.tmpdir(), `claimls-server-${process.pid}.cjs`);
buildSync({ entryPoints: ["src/server.ts"], outfile: bundle, bundle: true, platform: "node", format: "cjs", logLevel: "error" });
const { locateServer, findOnPath, ServerNotFound } = await import(bundle);
fs.rmSync(bundle);

function exe(dir, name = "claimls") {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, "#!/bin/sh\n");
  fs.chmodSync(file, 0o755);
  return file;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "claimls-lookup-"));
const extension = path.join(root, "extension");
const bin = path.join(root, "bin");
const custom = exe(path.join(root, "custom"));
const savedPath = process.env.PATH;
test.after(() => {
  process.env.PATH = savedPath;
  fs.rmSync(root, { recursive: true, force: true });
});

test("the setting wins over everything", () => {
  exe(path.join(extension, "server"));
  exe(bin);
  process.env.PATH = bin;
  assert.deepEqual(locateServer(custom, extension), { command: custom, source: "setting" });
});

test("a setting that points nowhere is an error that names it", () => {
  assert.throws(() => locateServer("/nowhere/claimls", extension), (e) => e instanceof ServerNotFound && /\/nowhere\/claimls/.test(e.message));
});

test("then the bundled server", () => {
  process.env.PATH = bin;
  assert.deepEqual(locateServer("", extension), { command: path.join(extension, "server", "claimls"), source: "bundled" });
});

test("then claimls on PATH", () => {
  fs.rmSync(path.join(extension, "server"), { recursive: true });
  process.env.PATH = ["/nonexistent", bin].join(path.delimiter);
  assert.deepEqual(locateServer("  ", extension), { command: path.join(bin, "claimls"), source: "PATH" });
  assert.equal(findOnPath("claimls", bin), path.join(bin, "claimls"));
});

test("a file that is not executable is skipped", () => {
  const plain = path.join(root, "plain");
  fs.mkdirSync(plain);
  fs.writeFileSync(path.join(plain, "claimls"), "");
  assert.equal(findOnPath("claimls", plain), undefined);
});

test("nothing anywhere: an error that says what to do", () => {
  process.env.PATH = "/nonexistent";
  assert.throws(() => locateServer("", extension), (e) => {
    assert.ok(e instanceof ServerNotFound);
    assert.match(e.message, /cargo install/);
    assert.match(e.message, /claimls\.server\.path/);
    return true;
  });
});
