/** Imported assessments: re-importing is idempotent; an id reused by another trace is kept under a new id, with a warning. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { openDatabase } from "../../../server/store/db";
import { insertAssessments, type AssessmentRow } from "../../../server/store/mlflowAssessments";
import { SpanWriter } from "../../../server/store/spanWriter";
import { spanRecord } from "../support/spanRecord";

const row = (id: string, traceId: string, name: string): AssessmentRow => ({
  assessment_id: id,
  trace_id: traceId,
  span_id: null,
  name,
  kind: "expectation",
  value: '"x"',
  rationale: null,
  error: null,
  source_type: "HUMAN",
  source_id: "me",
  metadata: "{}",
  run_id: null,
  created_ms: 1,
  updated_ms: 1,
});

test("same file twice stores once; a colliding id on another trace is stored under a fresh id", async () => {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-imp-")), "t.db"));
  const a = "a".repeat(32);
  const b = "b".repeat(32);
  await new SpanWriter(db).write([spanRecord({ traceId: a, spanId: "1".repeat(16) }), spanRecord({ traceId: b, spanId: "2".repeat(16) })]);
  assert.deepEqual(insertAssessments(db, [row("a-1", a, "expected")]), { inserted: 1, warnings: [] });
  assert.deepEqual(insertAssessments(db, [row("a-1", a, "expected")]), { inserted: 0, warnings: [] }, "re-import: nothing new");
  const r = insertAssessments(db, [row("a-1", b, "expected")]);
  assert.equal(r.inserted, 1);
  assert.match(r.warnings[0] ?? "", /already used by trace tr-a{32}; stored as a-[0-9a-f]{32}/);
  assert.equal(db.prepare("SELECT count(*) FROM assessments WHERE trace_id = ?").pluck().get(b), 1, "not lost");
});
