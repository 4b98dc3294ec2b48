/**
 * The dashboard's queries over a real SQLite store: 15-second buckets (the short ranges) put
 * traces a few seconds apart into their own buckets, the drill-down of one 15-second bucket lists
 * exactly its traces, and a range longer than MAX_DASHBOARD_BUCKETS buckets returns the newest ones.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { MAX_DASHBOARD_BUCKETS } from "../../../../protocol/monitoring";
import type { TraceScore } from "../../../../protocol/scoring";
import { AssessmentSink } from "../../../../server/monitoring/assessmentSink";
import { bucketStarts, dashboardSeries, dashboardTraces } from "../../../../server/monitoring/dashboard";
import { openDatabase } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { spanRecord } from "../../support/spanRecord";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-dashboard-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 4, 12, 14, 5, 0); // a multiple of 15 s
const id = (i: number): string => i.toString(16).padStart(32, "0");

function score(traceId: string, value: string): TraceScore {
  return {
    traceId,
    durationMs: 1,
    logs: [],
    feedbacks: [{ name: "helpful", value, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: "helpful" } }],
  };
}

test("15-second buckets: bursts 15 s apart are separate points; a point drills down to its own traces", async () => {
  const db = openDatabase(path.join(dir, "s15.db"));
  // 4 bursts at T0, T0+15 s, T0+30 s, T0+45 s (3 traces each, 1–9 s into the bucket); every other trace "yes"
  const at = (i: number): number => T0 + Math.floor(i / 3) * 15_000 + 1_000 + (i % 3) * 4_000;
  const spans = Array.from({ length: 12 }, (_, i) =>
    spanRecord({ traceId: id(i + 1), spanId: (i + 1).toString(16).padStart(16, "0"), startTimeUnixNano: String(BigInt(at(i)) * 1_000_000n), endTimeUnixNano: String(BigInt(at(i) + 5) * 1_000_000n) }),
  );
  await new SpanWriter(db).write(spans);
  const sink = new AssessmentSink(db);
  // the burst at T0+30 s is eligible but not scored
  db.transaction(() => {
    for (let i = 0; i < 12; i++) if (Math.floor(i / 3) !== 2) sink.store({ name: "helpful", version: 1 }, score(id(i + 1), i % 2 === 0 ? "yes" : "no"), "monitor");
  })();

  const series = dashboardSeries(db, { fromMs: T0 - 60_000, toMs: T0 + 120_000, bucket: "15s", scorers: [{ name: "helpful", filterString: null }] });
  assert.equal(series.length, 1);
  const points = series[0]?.points ?? [];
  assert.equal(points.length, 12, "3 minutes of 15-second buckets");
  const withData = points.filter((p) => p.eligible > 0);
  assert.deepEqual(
    withData.map((p) => [p.t - T0, p.scored, p.eligible]),
    [
      [0, 3, 3],
      [15_000, 3, 3],
      [30_000, 0, 3],
      [45_000, 3, 3],
    ],
  );
  assert.deepEqual(
    withData.map((p) => p.value),
    [2 / 3, 1 / 3, null, 1 / 3],
    "the mean of yes = 1 / no = 0 per bucket; the unscored bucket has none",
  );
  const drilled = dashboardTraces(db, { scorer: "helpful", assessment: "helpful", fromMs: T0 + 15_000, toMs: T0 + 30_000, limit: 100 });
  assert.deepEqual(drilled.sort(), [id(4), id(5), id(6)]);
  db.close();
});

test("a range of more than MAX_DASHBOARD_BUCKETS buckets keeps the newest ones", () => {
  const to = T0 + 15_000;
  const starts = bucketStarts(to - (MAX_DASHBOARD_BUCKETS + 10) * 15_000 - 7, to, 15_000);
  assert.equal(starts.length, MAX_DASHBOARD_BUCKETS);
  assert.equal(starts[starts.length - 1], T0);
  assert.deepEqual(bucketStarts(T0 + 1, T0 + 30_001, 15_000), [T0, T0 + 15_000, T0 + 30_000], "partial buckets at both ends count");
});
