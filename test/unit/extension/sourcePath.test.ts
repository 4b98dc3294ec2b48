import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { sourceOf } from "../../../extension/sourcePath";

const WS = ["/home/me/app"];

test("relative and absolute paths inside the workspace resolve with line and column", () => {
  assert.deepEqual(sourceOf({ "code.file.path": "src/agent.ts", "code.line.number": 42, "code.column.number": 3 }, WS, path.posix), {
    ok: true,
    location: { file: "/home/me/app/src/agent.ts", line: 42, column: 3 },
  });
  assert.deepEqual(sourceOf({ "code.filepath": "/home/me/app/lib/x.py", "code.lineno": "7" }, WS, path.posix), {
    ok: true,
    location: { file: "/home/me/app/lib/x.py", line: 7, column: 1 },
  });
  const url = sourceOf({ "code.file.path": "file:///home/me/app/a%20b.ts" }, WS, path.posix);
  assert.equal(url.ok && url.location.file, "/home/me/app/a b.ts");
});

test("paths outside the workspace are refused", () => {
  for (const p of ["/etc/passwd", "../secrets.txt", "src/../../other/x.ts", "/home/me/application/x.ts"]) {
    const r = sourceOf({ "code.file.path": p }, WS, path.posix);
    assert.equal(r.ok, false, p);
    assert.match(!r.ok ? r.message : "", /outside the workspace/);
  }
});

test("missing attribute or workspace gives a clear message", () => {
  assert.deepEqual(sourceOf({}, WS, path.posix), { ok: false, message: "this span has no code.file.path attribute" });
  assert.deepEqual(sourceOf({ "code.file.path": "a.ts" }, [], path.posix), { ok: false, message: "open a workspace folder to reveal source files" });
});
