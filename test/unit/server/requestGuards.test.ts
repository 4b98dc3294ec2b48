import assert from "node:assert/strict";
import { test } from "node:test";
import { bodyFormat, checkRequestOrigin, hostnameOf, isLoopbackHost } from "../../../server/ingest/requestGuards";

test("hostnameOf strips ports and keeps IPv6 brackets", () => {
  assert.equal(hostnameOf("127.0.0.1:4318"), "127.0.0.1");
  assert.equal(hostnameOf("LOCALHOST:1"), "localhost");
  assert.equal(hostnameOf("[::1]:4318"), "[::1]");
  assert.equal(hostnameOf("example.com"), "example.com");
});

test("only loopback Host headers pass (DNS rebinding)", () => {
  for (const h of ["127.0.0.1:4318", "localhost:4318", "[::1]:4318", "127.8.9.10", undefined]) assert.ok(isLoopbackHost(h), String(h));
  for (const h of ["evil.example:4318", "192.168.1.10:4318", "127.0.0.1.evil.example", "localhost.evil.example"]) {
    assert.ok(!isLoopbackHost(h), h);
  }
});

test("cross-site Origin is refused unless allowed", () => {
  assert.deepEqual(checkRequestOrigin({ host: "127.0.0.1:4318" }, []), { ok: true });
  const r = checkRequestOrigin({ host: "127.0.0.1:4318", origin: "https://evil.example" }, []);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.message : "", /Origin "https:\/\/evil.example" is not allowed/);
  assert.deepEqual(checkRequestOrigin({ host: "localhost:4318", origin: "http://localhost:3000" }, ["http://localhost:3000"]), { ok: true });
  const rebind = checkRequestOrigin({ host: "attacker.example:4318" }, []);
  assert.equal(rebind.ok, false);
  assert.match(!rebind.ok ? rebind.message : "", /not a loopback address/);
});

test("content types map to formats", () => {
  assert.equal(bodyFormat("application/x-protobuf"), "protobuf");
  assert.equal(bodyFormat("application/json; charset=utf-8"), "json");
  assert.equal(bodyFormat("text/plain"), null);
  assert.equal(bodyFormat(undefined), null);
});
