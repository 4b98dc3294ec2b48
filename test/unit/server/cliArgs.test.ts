import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCli, UsageError } from "../../../server/cliArgs";

test("help and version", () => {
  assert.deepEqual(parseCli([], {}), { cmd: "help" });
  assert.deepEqual(parseCli(["--help"], {}), { cmd: "help" });
  assert.deepEqual(parseCli(["serve", "--help"], {}), { cmd: "help" });
  assert.deepEqual(parseCli(["--version"], {}), { cmd: "version" });
});

test("serve parses db and port, with defaults from the environment", () => {
  const c = parseCli(["serve", "--db", "/tmp/x.db", "--port", "0"], {});
  assert.equal(c.cmd, "serve");
  if (c.cmd === "serve") {
    assert.equal(c.db, "/tmp/x.db");
    assert.equal(c.port, 0);
    assert.equal(c.maxBodyBytes, 64 * 1024 * 1024);
  }
  const d = parseCli(["serve"], { SCORELENS_DB: "/data/t.db" });
  assert.equal(d.cmd === "serve" && d.db, "/data/t.db");
});

test("bad arguments are usage errors with a clear message", () => {
  assert.throws(() => parseCli(["serve", "--port", "99999"], {}), (e) => UsageError.is(e) && /--port must be an integer between 0 and 65535/.test(e.message));
  assert.throws(() => parseCli(["serve", "--nope"], {}), (e) => UsageError.is(e) && /nope/.test(e.message));
  assert.throws(() => parseCli(["frobnicate"], {}), (e) => UsageError.is(e) && /unknown command "frobnicate"/.test(e.message));
  assert.throws(() => parseCli(["trace"], {}), (e) => UsageError.is(e) && /missing trace ID/.test(e.message));
});

test("trace accepts MLflow tr- ids", () => {
  const c = parseCli(["trace", "tr-0123456789abcdef0123456789abcdef", "--json"], {});
  assert.deepEqual(c, { cmd: "trace", db: ".scorelens/traces.db", id: "0123456789abcdef0123456789abcdef", json: true });
});
