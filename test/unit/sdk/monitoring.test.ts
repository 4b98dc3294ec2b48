/**
 * The SDK's registered-scorer client against a real TraceServer (HTTP on 127.0.0.1, a real
 * SQLite file): lifecycle calls return new frozen handles and leave the old ones unchanged;
 * server errors (bad filter, unknown scorer, the active limit) come back as ScorerApiError.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { TraceServer } from "../../../server/core/traceServer";
import { monitoringHttpApi } from "../../../server/monitoring/httpRoutes";
import { MonitoringService } from "../../../server/monitoring/service";
import { getScorer, listScorers, registerScorer, ScorerApiError } from "../../../sdk/index";
import { buildWorkerScript, SDK_ENTRY } from "../server/scorers/runtime/helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-sdk-monitoring-"));
let server: TraceServer | null = null;
let svc: MonitoringService | null = null;
after(async () => {
  await svc?.dispose();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("handles are immutable; each lifecycle call returns a new one", async () => {
  server = await TraceServer.start({ dbPath: path.join(dir, "t.db"), otlpPort: 0, maxBodyBytes: 1 << 20, allowedOrigins: [], retention: { maxAgeDays: 0, maxDatabaseMB: 0 } });
  svc = new MonitoringService({ db: server.db, sdkEntry: SDK_ENTRY, maxActive: 1, pool: { workerScript: await buildWorkerScript() } });
  server.setMonitoringApi(monitoringHttpApi(svc));
  const serverUrl = `http://127.0.0.1:${server.getStatus().otlpPort}`;
  const file = path.join(dir, "s.ts");
  fs.writeFileSync(file, `import { scorer } from "scorelens";\nexport const a = scorer("a_len", ({ outputs }) => String(outputs).length);\nexport const b = scorer("b_len", () => 1);\n`);

  const reg = await registerScorer({ file, exportName: "a" }, { serverUrl });
  assert.equal(reg.name, "a_len");
  assert.equal(reg.state, "registered");
  assert.ok(Object.isFrozen(reg));
  assert.throws(() => {
    (reg as { sampleRate: number }).sampleRate = 1;
  }, TypeError);

  const started = await reg.start({ sampleRate: 0.25, filterString: "trace.status = 'OK'" });
  assert.notEqual(started, reg);
  assert.equal(started.state, "active");
  assert.equal(started.sampleRate, 0.25);
  assert.equal(reg.state, "registered", "the old handle is unchanged");
  assert.equal(reg.sampleRate, 0);

  const updated = await started.update({ sampleRate: 0.5 });
  assert.equal(updated.sampleRate, 0.5);
  assert.equal(updated.filterString, "trace.status = 'OK'");
  assert.equal(started.sampleRate, 0.25);

  await assert.rejects(started.update({ filterString: "trace.status = " }), (e: unknown) => e instanceof ScorerApiError && e.status === 400 && /invalid filter_string/.test(e.message));

  const b = await registerScorer({ file, exportName: "b" }, { serverUrl });
  await assert.rejects(b.start({ sampleRate: 0.1 }), (e: unknown) => e instanceof ScorerApiError && e.status === 409 && /at most 1 scorers/.test(e.message) && /a_len/.test(e.message));

  const stopped = await updated.stop();
  assert.equal(stopped.state, "stopped");
  assert.equal(updated.state, "active");
  assert.equal((await b.start({ sampleRate: 0.1 })).state, "active", "room after the stop");

  assert.equal((await getScorer("a_len", { serverUrl }))?.state, "stopped");
  assert.deepEqual((await listScorers({ serverUrl })).map((s) => s.name), ["a_len", "b_len"]);
  assert.equal(await stopped.delete(), true);
  assert.equal(await getScorer("a_len", { serverUrl }), null);
  assert.equal(stopped.name, "a_len", "a deleted scorer's handle still reads");
  await assert.rejects(stopped.start({ sampleRate: 1 }), (e: unknown) => e instanceof ScorerApiError && e.status === 404);
  await assert.rejects(registerScorer({ file, exportName: "zzz" }, { serverUrl }), (e: unknown) => e instanceof ScorerApiError && e.status === 400);
});
