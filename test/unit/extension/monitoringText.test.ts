/** Pure texts and parsing of the Scorers view and monitoring commands (extension/monitoring/scorerText.ts). */
process.env.TZ = "UTC";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BackfillJob, RegisteredScorer } from "../../../protocol/monitoring";
import {
  backfillDescription,
  backfillLabel,
  backfillProgressText,
  formatRate,
  isJobActive,
  parseDateTime,
  parseRate,
  presetRange,
  scorerDescription,
  scorerTooltip,
} from "../../../extension/monitoring/scorerText";

const sc = (over: Partial<RegisteredScorer> = {}): RegisteredScorer => ({
  name: "correctness",
  version: 3,
  file: "/w/evals/scorers.ts",
  exportName: "correctness",
  sourceHash: "ab".repeat(32),
  aggregations: null,
  sampleRate: 0.5,
  filterString: null,
  state: "active",
  createdMs: 0,
  updatedMs: 0,
  backlog: 12,
  scoredCount: 4812,
  lastError: null,
  ...over,
});

test("rates are percentages: parse with validation, format back", () => {
  assert.deepEqual(parseRate("50%"), { ok: true, rate: 0.5 });
  assert.deepEqual(parseRate(" 50 "), { ok: true, rate: 0.5 });
  assert.deepEqual(parseRate("12.5 %"), { ok: true, rate: 0.125 });
  assert.deepEqual(parseRate("100"), { ok: true, rate: 1 });
  assert.deepEqual(parseRate("0.5"), { ok: true, rate: 0.005 }, "a plain number is a percent");
  assert.deepEqual(parseRate(".5%"), { ok: true, rate: 0.005 });
  for (const bad of ["", "abc", "-5%", "101%", "50%%", "5e1", "1/2"]) assert.equal(parseRate(bad).ok, false, bad);
  const zero = parseRate("0%");
  assert.equal(zero.ok, false);
  assert.match(zero.ok ? "" : zero.error, /0% is Stop/);
  assert.deepEqual(parseRate("0", { allowZero: true }), { ok: true, rate: 0 });
  assert.equal(formatRate(0.5), "50%");
  assert.equal(formatRate(1), "100%");
  assert.equal(formatRate(0.125), "12.5%");
  assert.equal(formatRate(0.001), "0.1%");
  assert.equal(formatRate(0.07), "7%");
  for (const r of [0.1, 0.333, 0.07, 0.125, 1]) assert.deepEqual(parseRate(formatRate(r)), { ok: true, rate: r }, String(r));
});

test("scorer descriptions: version, state with rate, backlog", () => {
  assert.equal(scorerDescription(sc()), "v3 · active 50% · backlog 12");
  assert.equal(scorerDescription(sc({ state: "stopped", sampleRate: 0, backlog: 0 })), "v3 · stopped");
  assert.equal(scorerDescription(sc({ state: "registered", sampleRate: 0, backlog: 0, version: 1 })), "v1 · registered");
  assert.equal(scorerDescription(sc({ state: "stopped", backlog: 3 })), "v3 · stopped · backlog 3", "a left-over backlog shows");
  assert.equal(scorerDescription(sc({ backlog: 12_345, lastError: "boom" })), "v3 · active 50% · backlog 12,345 · error");
});

test("scorer tooltip: filter, file, scored count, last error", () => {
  const t = scorerTooltip(sc({ filterString: "trace.status = 'OK'", lastError: "TypeError: x" }));
  assert.match(t, /^correctness \(version 3\) — active 50%/);
  assert.match(t, /Filter: trace\.status = 'OK'/);
  assert.match(t, /Registered from: \/w\/evals\/scorers\.ts \(correctness\)/);
  assert.match(t, /Scored: 4,812 traces · backlog 12/);
  assert.match(t, /Last error: TypeError: x/);
  assert.match(scorerTooltip(sc()), /Filter: every trace[\s\S]*Last error: none/);
});

const job = (over: Partial<BackfillJob> = {}): BackfillJob => ({
  jobId: "bf-1",
  scorers: [
    { name: "correctness", version: 3, sampleRate: 0.5 },
    { name: "tone", version: 1, sampleRate: 1 },
  ],
  fromMs: 0,
  toMs: 1,
  rescore: false,
  status: "running",
  total: 5000,
  done: 1234,
  scored: 1180,
  skipped: 50,
  errors: 4,
  createdMs: 0,
  finishedMs: null,
  message: null,
  ...over,
});

test("backfill texts", () => {
  assert.equal(backfillLabel(job()), "backfill 1,234 / 5,000");
  assert.equal(backfillDescription(job()), "correctness, tone · running · 4 errors");
  assert.equal(backfillDescription(job({ errors: 1, rescore: true, status: "completed" })), "correctness, tone · completed · 1 error · re-score");
  assert.equal(backfillProgressText(job()), "1,234 / 5,000 traces · 1,180 scored · 4 errors");
  assert.equal(backfillProgressText(job({ errors: 0 })), "1,234 / 5,000 traces · 1,180 scored");
  assert.deepEqual((["queued", "running", "completed", "cancelled", "failed"] as const).map((s) => isJobActive({ status: s })), [true, true, false, false, false]);
});

test("preset ranges end with the bucket that holds now and span whole buckets", () => {
  const now = Date.UTC(2026, 4, 12, 15, 20);
  const h = presetRange("24h", "hour", now);
  assert.equal(h.toMs, Date.UTC(2026, 4, 12, 16));
  assert.equal(h.toMs - h.fromMs, 24 * 3_600_000);
  const w = presetRange("7d", "hour", now);
  assert.equal((w.toMs - w.fromMs) / 3_600_000, 168);
  const m = presetRange("30d", "day", now);
  assert.equal(m.toMs, Date.UTC(2026, 4, 13));
  assert.equal((m.toMs - m.fromMs) / 86_400_000, 30);
  assert.equal(presetRange("24h", "day", now).toMs - presetRange("24h", "day", now).fromMs, 86_400_000);
});

test("dates typed for a custom backfill range", () => {
  assert.equal(parseDateTime("2026-05-01"), Date.UTC(2026, 4, 1));
  assert.equal(parseDateTime(" 2026-05-01 13:05 "), Date.UTC(2026, 4, 1, 13, 5));
  assert.equal(parseDateTime("2026-05-01T13:05"), Date.UTC(2026, 4, 1, 13, 5));
  for (const bad of ["", "May 1", "2026-13-01", "2026-02-31", "2026-05-01 25:00", "2026-05-01 12:60", "01/05/2026"]) assert.equal(parseDateTime(bad), null, bad);
});
