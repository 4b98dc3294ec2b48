/**
 * MonitorThrottle against this process's real event loop: no limit without ingest or with an
 * idle loop; while commits come in and the loop is saturated, monitoring gets its share and then
 * waits in proportion to what it used.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MonitorThrottle } from "../../../../server/monitoring/monitorThrottle";

/** Keeps the event loop busy (synchronously) for `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("without ingest, or with an idle event loop, monitoring is never held back", async () => {
  const t = new MonitorThrottle({ sampleMs: 50 });
  spin(120); // saturated, but nothing was committed
  t.spent(1000);
  assert.equal(t.saturated, false);
  assert.equal(t.delayMs(), 0);
  await sleep(100); // out of the busy turn above
  const idle = new MonitorThrottle({ sampleMs: 50 });
  idle.noteCommit();
  await sleep(120); // ingest active but the loop is idle
  idle.noteCommit();
  idle.spent(1000);
  assert.equal(idle.saturated, false);
  assert.equal(idle.delayMs(), 0);
});

test("while ingest saturates the loop, monitoring gets `share` of it: it waits in proportion to what it used", async () => {
  const t = new MonitorThrottle({ share: 0.1, sampleMs: 50, burstMs: 20 });
  t.noteCommit();
  spin(120);
  t.noteCommit();
  assert.equal(t.ingestActive, true);
  assert.equal(t.saturated, true);
  assert.equal(t.delayMs(), 0, "the saved-up burst first");
  t.spent(50); // 30 ms over the 20 ms burst → 300 ms at a 10% share
  const wait = t.delayMs();
  assert.ok(wait >= 250 && wait <= 300, `waits ~300 ms, got ${wait}`);
  spin(120); // still saturated: the bucket refills at 10% of the time that passed
  t.noteCommit();
  const later = t.delayMs();
  assert.ok(later < wait && later > 0, `refilled by ~12 ms of 30: ${later}`);
});

test("when ingest stops, the limit is lifted at once", async () => {
  const t = new MonitorThrottle({ share: 0.1, sampleMs: 50, busyWindowMs: 100 });
  t.noteCommit();
  spin(120);
  t.noteCommit();
  t.spent(500);
  assert.ok(t.delayMs() > 0);
  await sleep(150);
  assert.equal(t.ingestActive, false);
  assert.equal(t.delayMs(), 0);
});
