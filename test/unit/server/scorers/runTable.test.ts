/**
 * RunTableReader (server/scorers/runTable.ts) against a real SQLite file: traces written by
 * SpanWriter, results written by RunStore.saveResults (two scorers sharing seqs), a deleted
 * trace, dataset rows with and without a trace. The columnar table must say exactly what the
 * old full rows (RunStore.rows) say; rows by seq, the first-rows read, and the text search.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { appendRunTable, encodeRunTable, GetRunTableRequest, loadRunTable, RunTable, TABLE_ERROR_MAX, TABLE_VALUE_MAX, type RunTableRead } from "../../../../protocol/runTable";
import { NO_TRACE_STATE, type EvalRun, type FeedbackResult, type TraceScore } from "../../../../protocol/scoring";
import { RunTableReader } from "../../../../server/scorers/runTable";
import { RunStore } from "../../../../server/scorers/runStore";
import { openDatabase, type Db } from "../../../../server/store/db";
import { SpanWriter } from "../../../../server/store/spanWriter";
import { TraceQueries } from "../../../../server/store/traceQueries";
import { spanRecord } from "../../support/spanRecord";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-runtable-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const tid = (i: number): string => i.toString(16).padStart(32, "0");

function run(runId: string, scorers: string[], n: number): EvalRun {
  return {
    runId,
    scorers: scorers.map((name) => ({ name, file: "/ws/scorers.ts", sourceHash: "h" })),
    selection: { kind: "lastN", n },
    selectionLabel: `last ${n} traces`,
    status: "completed",
    startedMs: 1_700_000_000_000,
    durationMs: 1234,
    traceCount: n,
    scoredCount: n,
    errorCount: 1,
    aggregates: [{ name: "quality/mean", assessment: "quality", aggregation: "mean", value: 0.5, count: n, note: null }],
    message: null,
  };
}

function fb(name: string, value: unknown, source: string, over: Partial<FeedbackResult> = {}): FeedbackResult {
  return { name, value, rationale: null, error: null, metadata: {}, source: { type: "CODE", id: source }, ...over };
}

/**
 * Six traces stored (ids 1–6, trace 3 with an error status); a run of `judge` and `length` over
 * rows 0–7: rows 0–4 → traces 1–5, row 5 → trace 99 (never stored: deleted), rows 6–7 → dataset
 * rows without a trace. Row 2: `judge` gives `quality` twice (the first counts in the table).
 */
async function fixture(): Promise<{ db: Db; runId: string; store: RunStore }> {
  const db = openDatabase(path.join(dir, `store-${Math.random().toString(36).slice(2)}.db`));
  await new SpanWriter(db).write(
    Array.from({ length: 6 }, (_, i) =>
      spanRecord({
        traceId: tid(i + 1),
        spanId: (i + 1).toString(16).padStart(16, "0"),
        name: i % 2 === 0 ? "support_agent.run" : "rag.answer",
        statusCode: i === 2 ? "ERROR" : "OK",
        startTimeUnixNano: String(BigInt(1_700_000_000_000 + i * 1000) * 1_000_000n),
        endTimeUnixNano: String(BigInt(1_700_000_000_000 + i * 1000 + 5) * 1_000_000n),
      }),
    ),
  );
  const store = new RunStore(db);
  const runId = "run-table-test";
  store.save(run(runId, ["judge", "length"], 8));
  const ids = [tid(1), tid(2), tid(3), tid(4), tid(5), tid(99), "row-6", "row-7"];
  const datasetRows = [null, null, null, null, null, null, 6, 7];
  const judge: TraceScore[] = ids.map((traceId, i) => ({
    traceId,
    durationMs: 10 + i,
    logs: [`[judge] row ${i}`],
    feedbacks: [
      fb("quality", i === 1 ? "x".repeat(TABLE_VALUE_MAX + 50) : i / 10, "judge", {
        source: { type: "LLM_JUDGE", id: "judge" },
        rationale: i === 4 ? "The answer cites the WRONG document <b>here</b>." : i === 6 ? 'The user said "hi" there.' : `rationale ${i}`,
        metadata: { judge_model: "m" },
      }),
      ...(i === 2 ? [fb("quality", 0.99, "judge", { source: { type: "LLM_JUDGE", id: "judge" } })] : []),
      fb("relevant", i % 3 === 0 ? "yes" : "no", "judge", { source: { type: "LLM_JUDGE", id: "judge" } }),
    ],
  }));
  const length: TraceScore[] = ids.map((traceId, i) => ({
    traceId,
    durationMs: 1,
    logs: [],
    feedbacks:
      i === 3
        ? [fb("length", null, "length", { error: { type: "TypeError", message: `Cannot read 'length' ${"m".repeat(TABLE_ERROR_MAX)}`, stack: "TypeError: x\n    at length (s.ts:1:1)" } })]
        : i === 7
          ? []
          : [fb("length", i === 5 ? null : 100 + i, "length")],
  }));
  store.saveResults(runId, "judge", judge, datasetRows);
  store.saveResults(runId, "length", length, datasetRows);
  return { db, runId, store };
}

test("the table says what the full rows say: names, states, durations, one column per scorer and name, cells", async () => {
  const { db, runId, store } = await fixture();
  const reader = new RunTableReader(db);
  const read = reader.table(runId);
  assert.ok(read);
  assert.equal(read.complete, true);
  assert.equal(read.run.runId, runId);
  const t = RunTable.parse(read.table);
  assert.equal(t.rowCount, 8);
  assert.deepEqual(t.traceStates, ["OK", "OK", "ERROR", "OK", "OK", "DELETED", NO_TRACE_STATE, NO_TRACE_STATE]);
  assert.deepEqual(t.traceNames.slice(4), ["support_agent.run", "(deleted trace)", "dataset row 6", "dataset row 7"]);
  assert.deepEqual(t.datasetRows, [null, null, null, null, null, null, 6, 7]);
  assert.deepEqual(t.durationsMs, [11, 12, 13, 14, 15, 16, 17, 18], "every scorer's time on the row");
  assert.equal(t.seqs, null, "seqs are the row indexes");
  assert.deepEqual(
    t.columns.map((c) => [c.scorer, c.name, c.sourceTypes]),
    [
      ["judge", "quality", ["LLM_JUDGE"]],
      ["judge", "relevant", ["LLM_JUDGE"]],
      ["length", "length", ["CODE"]],
    ],
  );
  const [quality, relevant, length] = t.columns;
  assert.equal(quality?.cells, "vvvvvvvv");
  assert.equal(quality?.values[2], 0.2, "the first of two feedbacks with one name");
  assert.equal((quality?.values[1] as string).length, TABLE_VALUE_MAX, "long strings are cut");
  assert.ok((quality?.values[1] as string).endsWith("…"));
  assert.deepEqual(relevant?.values.slice(0, 4), ["yes", "no", "no", "yes"]);
  assert.equal(length?.cells, "vvvevnv-", "an error, a null value, no feedback");
  assert.deepEqual(length?.errorRows, [3]);
  assert.deepEqual(length?.errorTypes, ["TypeError"]);
  assert.equal(length?.errorMessages[0]?.length, TABLE_ERROR_MAX);

  // exactly what the old path's full rows give, encoded
  const old = store.rows(runId, 0, 1000).rows;
  assert.deepEqual({ ...t, seqs: null }, RunTable.parse(encodeRunTable(old)));
  // the LSP answer survives JSON and its schema
  const wire = GetRunTableRequest.result.parse(JSON.parse(JSON.stringify(read)));
  assert.equal(wire?.table.rowCount, 8);
  db.close();
});

test("rows by seq: the full row (rationales, stacks, logs) as the old path gives it; null past the end; unknown run", async () => {
  const { db, runId, store } = await fixture();
  const reader = new RunTableReader(db);
  const old = store.rows(runId, 0, 1000).rows;
  for (let i = 0; i < old.length; i++) assert.deepEqual(reader.row(runId, i), old[i], `row ${i}`);
  const row3 = reader.row(runId, 3);
  assert.equal(row3?.feedbacks.find((f) => f.error)?.error?.stack, "TypeError: x\n    at length (s.ts:1:1)");
  assert.deepEqual(row3?.logs, ["[judge] row 3"]);
  assert.equal(reader.row(runId, 8), null);
  assert.equal(reader.row("run-nope", 0), null);
  assert.equal(reader.table("run-nope"), null);
  db.close();
});

test("the first rows only: complete says whether that was all", async () => {
  const { db, runId } = await fixture();
  const reader = new RunTableReader(db);
  const head = reader.table(runId, 3);
  assert.equal(head?.complete, false);
  assert.equal(head?.table.rowCount, 3);
  assert.deepEqual(head?.table.durationsMs, [11, 12, 13], "the last row has every scorer's part");
  assert.equal(head?.table.columns[2]?.cells, "vvv");
  assert.ok(RunTable.safeParse(head?.table).success);
  assert.equal(reader.table(runId, 8)?.complete, true);
  assert.equal(reader.table(runId, 100)?.table.rowCount, 8);
  db.close();
});

test("chunks: the rows after a seq; loaded in chunks and appended, the table is the one-read table", async () => {
  const { db, runId } = await fixture();
  const reader = new RunTableReader(db);
  const whole = reader.table(runId)?.table;
  const tail = reader.table(runId, 2, 4);
  assert.deepEqual(tail?.table.seqs, [5, 6]);
  assert.deepEqual(tail?.table.traceStates, ["DELETED", NO_TRACE_STATE]);
  assert.equal(tail?.complete, false);
  assert.equal(reader.table(runId, 10, 6)?.complete, true);
  assert.equal(reader.table(runId, 10, 7)?.table.rowCount, 0);
  for (const [firstRows, chunkRows] of [[3, 2], [1, 1], [8, 8], [100, 5]] as const) {
    const firsts: RunTableRead[] = [];
    const reads: Array<{ maxRows: number; afterSeq?: number }> = [];
    const loaded = await loadRunTable(
      (p) => {
        reads.push({ maxRows: p.maxRows, ...(p.afterSeq !== undefined ? { afterSeq: p.afterSeq } : {}) });
        // through JSON and the schema, as the extension gets it
        return Promise.resolve(GetRunTableRequest.result.parse(JSON.parse(JSON.stringify(reader.table(p.runId, p.maxRows, p.afterSeq ?? null)))));
      },
      runId,
      { firstRows, chunkRows, onFirst: (f) => firsts.push(f) },
    );
    assert.equal(loaded?.complete, true);
    assert.deepEqual(loaded?.table, whole, `first ${firstRows}, then ${chunkRows} at a time`);
    assert.equal(firsts.length, firstRows < 8 ? 1 : 0, "the first rows are handed over only when more follow");
    if (firsts[0]) assert.equal(firsts[0].table.rowCount, firstRows);
    // a read that reaches the last row says so: no empty read at the end
    assert.equal(reads.length, firstRows >= 8 ? 1 : 1 + Math.ceil((8 - firstRows) / chunkRows));
    assert.deepEqual(reads[1], firstRows < 8 ? { maxRows: chunkRows, afterSeq: firstRows - 1 } : undefined);
  }
  assert.equal(await loadRunTable(() => Promise.resolve(null), "run-nope", { firstRows: 1, chunkRows: 1 }), null);
  db.close();
});

test("appending tables: columns only in one part are missing in the other", () => {
  const a = encodeRunTable([{ traceId: "t0", traceName: "a", traceState: "OK", durationMs: 1, datasetRow: null, feedbacks: [fb("x", 1, "s")] }]);
  const b = encodeRunTable([
    { traceId: "t1", traceName: "b", traceState: "OK", durationMs: 2, datasetRow: null, feedbacks: [fb("y", true, "s"), fb("x", null, "s", { error: { type: "E", message: "m", stack: null } })] },
  ]);
  const ab = RunTable.parse(appendRunTable(a, b));
  assert.equal(ab.rowCount, 2);
  assert.deepEqual(ab.seqs, [0, 0], "the second part's own seqs (it was read on its own)");
  assert.deepEqual(
    ab.columns.map((c) => [c.name, c.cells, c.values, c.errorRows]),
    [
      ["x", "ve", [1, null], [1]],
      ["y", "-v", [null, true], []],
    ],
  );
  assert.equal(appendRunTable(a, encodeRunTable([])), a);
});

test("rows whose seqs are not their indexes carry seqs; row() takes the seq", async () => {
  const db = openDatabase(path.join(dir, "gaps.db"));
  const store = new RunStore(db);
  store.save(run("run-gaps", ["s"], 3));
  const ins = db.prepare("INSERT INTO run_results (run_id, seq, trace_id, scorer_name, feedbacks, duration_ms, logs, dataset_row) VALUES (?,?,?,?,?,?,?,NULL)");
  for (const seq of [0, 2, 5]) ins.run("run-gaps", seq, tid(seq + 1), "s", JSON.stringify([fb("v", seq, "s")]), 1, "[]");
  const reader = new RunTableReader(db);
  const t = reader.table("run-gaps")?.table;
  assert.deepEqual(t?.seqs, [0, 2, 5]);
  assert.deepEqual(t?.columns[0]?.values, [0, 2, 5]);
  assert.deepEqual(reader.row("run-gaps", 5)?.feedbacks[0]?.value, 5);
  assert.equal(reader.row("run-gaps", 1), null);
  db.close();
});

test("search: every word, over names, ids, values, rationales and errors of every scorer, case-insensitive", async () => {
  const { db, runId } = await fixture();
  const reader = new RunTableReader(db);
  assert.deepEqual(reader.search(runId, ""), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(reader.search(runId, "wrong DOCUMENT"), [4], "rationale");
  assert.deepEqual(reader.search(runId, "<b>here</b>"), [4], "markup is text");
  assert.deepEqual(reader.search(runId, "rag.answer"), [1, 3], "trace names");
  assert.deepEqual(reader.search(runId, tid(3).slice(-6)), [2], "trace ids");
  assert.deepEqual(reader.search(runId, "deleted"), [5]);
  assert.deepEqual(reader.search(runId, "dataset 7"), [7]);
  // one word in the judge's rationale, the other in the length scorer's error: the row matches
  assert.deepEqual(reader.search(runId, "rationale typeerror"), [3]);
  assert.deepEqual(reader.search(runId, "rationale\u00a0typeerror"), [3], "any whitespace separates words");
  assert.deepEqual(reader.search(runId, "yes 100"), [0], "values");
  assert.deepEqual(reader.search(runId, "0.2"), [2]);
  assert.deepEqual(reader.search(runId, "'length'"), [3]);
  // words JSON escapes (a quote) skip the raw-text shortcut and still match
  assert.deepEqual(reader.search(runId, '"hi"'), [6]);
  assert.deepEqual(reader.search(runId, "judge_model"), [], "metadata is not searched");
  assert.deepEqual(reader.search(runId, "nothing-like-this"), []);
  db.close();
});

/** A copy of run `from` as a run saved before schema v7 (no cells, trace name or state); `scorer`: only that scorer's rows. */
function copyAsLegacy(db: Db, from: string, to: string, scorer?: string): void {
  const r = new RunStore(db).get(from);
  assert.ok(r);
  new RunStore(db).save({ ...r, runId: to });
  db.prepare(
    `INSERT INTO run_results (run_id, seq, trace_id, scorer_name, feedbacks, duration_ms, logs, dataset_row, cells, trace_name, trace_state)
     SELECT @to, seq, trace_id, scorer_name, feedbacks, duration_ms, logs, dataset_row,
       CASE WHEN @scorer IS NULL OR scorer_name = @scorer THEN NULL ELSE cells END,
       CASE WHEN @scorer IS NULL OR scorer_name = @scorer THEN NULL ELSE trace_name END,
       CASE WHEN @scorer IS NULL OR scorer_name = @scorer THEN NULL ELSE trace_state END
     FROM run_results WHERE run_id = @from`,
  ).run({ to, scorer: scorer ?? null, from });
}

test("saved rows carry compact cells and the trace as scored; legacy and mixed rows give the same table", async () => {
  const { db, runId } = await fixture();
  const stored = db.prepare("SELECT seq, scorer_name, cells, trace_name, trace_state, length(feedbacks) AS full FROM run_results WHERE run_id = ? ORDER BY seq, scorer_name").all(runId) as Array<{
    seq: number;
    scorer_name: string;
    cells: string;
    trace_name: string | null;
    trace_state: string | null;
    full: number;
  }>;
  assert.equal(stored.length, 16);
  assert.deepEqual(JSON.parse(stored[0]?.cells ?? ""), [
    ["quality", "LLM_JUDGE", "judge", 0],
    ["relevant", "LLM_JUDGE", "judge", "yes"],
  ]);
  assert.deepEqual(JSON.parse(stored[7]?.cells ?? ""), [["length", "CODE", "length", null, "TypeError", `Cannot read 'length' ${"m".repeat(TABLE_ERROR_MAX - 22)}…`]], "error type and cut message; no stack");
  assert.ok(stored.every((s) => s.cells.length < s.full || s.cells === "[]"), "smaller than the full feedbacks");
  assert.ok(!stored.some((s) => s.cells.includes("rationale") || s.cells.includes("judge_model")), "no rationale, no metadata");
  assert.deepEqual([stored[4]?.trace_name, stored[4]?.trace_state], ["support_agent.run", "ERROR"], "the trace as scored");
  assert.deepEqual(
    stored.filter((s) => s.trace_state === null).map((s) => s.seq),
    [5, 5, 6, 6, 7, 7],
    "no trace stored when scored: the deleted one and the dataset rows",
  );

  const reader = new RunTableReader(db);
  const compact = reader.table(runId);
  copyAsLegacy(db, runId, "run-legacy");
  copyAsLegacy(db, runId, "run-mixed", "judge");
  for (const other of ["run-legacy", "run-mixed"]) {
    const t = reader.table(other);
    assert.deepEqual(t?.table, compact?.table, other);
    assert.deepEqual(reader.table(other, 3, 1)?.table, reader.table(runId, 3, 1)?.table, `${other}, a chunk`);
    for (let seq = 0; seq < 8; seq++) assert.deepEqual(reader.row(other, seq), reader.row(runId, seq), `${other}, row ${seq}`);
    assert.deepEqual(reader.search(other, "wrong document"), [4]);
  }
  db.close();
});

test("long values are cut in the stored cells as in the table; objects and booleans are kept", async () => {
  const db = openDatabase(path.join(dir, "long.db"));
  const store = new RunStore(db);
  store.save(run("run-long", ["s"], 3));
  const long = "é".repeat(TABLE_VALUE_MAX * 3);
  store.saveResults("run-long", "s", [
    { traceId: tid(1), durationMs: 1, logs: [], feedbacks: [fb("text", long, "s"), fb("obj", { a: [1, 2], b: "x" }, "s")] },
    { traceId: tid(2), durationMs: 1, logs: [], feedbacks: [fb("text", "short", "s"), fb("obj", true, "s"), fb("none", undefined, "s")] },
    { traceId: tid(3), durationMs: 1, logs: [], feedbacks: [fb("text", "a".repeat(TABLE_VALUE_MAX), "s")] },
  ]);
  const cells = db.prepare("SELECT cells FROM run_results WHERE run_id = 'run-long' ORDER BY seq").pluck().all() as string[];
  assert.ok((cells[0]?.length ?? 0) < TABLE_VALUE_MAX * 2 + 100, "the long string is not stored whole in cells");
  const stored = JSON.parse(cells[0] ?? "") as unknown[][];
  assert.equal(stored[0]?.[3], `${"é".repeat(TABLE_VALUE_MAX - 1)}…`);
  assert.deepEqual(stored[1]?.[3], { a: [1, 2], b: "x" });
  const t = new RunTableReader(db).table("run-long")?.table;
  const [text, obj, none] = t?.columns ?? [];
  assert.deepEqual(text?.values, [`${"é".repeat(TABLE_VALUE_MAX - 1)}…`, "short", "a".repeat(TABLE_VALUE_MAX)], "cut with a marker; exactly the maximum is kept");
  assert.deepEqual(obj?.values, [{ a: [1, 2], b: "x" }, true, null]);
  assert.equal(none?.cells, "-n-", "an undefined value is a null cell");
  copyAsLegacy(db, "run-long", "run-long-legacy");
  assert.deepEqual(new RunTableReader(db).table("run-long-legacy")?.table, t, "the same from the full feedbacks");
  assert.equal(new RunTableReader(db).row("run-long", 0)?.feedbacks[0]?.value, long, "the row detail has the whole value");
  db.close();
});

test("a trace deleted after scoring shows as deleted (compact and legacy rows); stored again, it shows again", async () => {
  const { db, runId } = await fixture();
  copyAsLegacy(db, runId, "run-legacy");
  const reader = new RunTableReader(db);
  assert.equal(new TraceQueries(db).deleteTraces([tid(2), tid(4)]), 2);
  assert.deepEqual(
    db.prepare("SELECT DISTINCT trace_name, trace_state FROM run_results WHERE trace_id = ?").raw(true).all(tid(2)),
    [[null, null]],
    "the delete cleared the stored name and state",
  );
  for (const id of [runId, "run-legacy"]) {
    const t = reader.table(id)?.table;
    assert.deepEqual(t?.traceStates, ["OK", "DELETED", "ERROR", "DELETED", "OK", "DELETED", NO_TRACE_STATE, NO_TRACE_STATE], id);
    assert.deepEqual(t?.traceNames.slice(0, 4), ["support_agent.run", "(deleted trace)", "support_agent.run", "(deleted trace)"]);
    assert.equal(reader.row(id, 1)?.traceState, "DELETED");
    assert.deepEqual(reader.search(id, "deleted"), [1, 3, 5]);
  }
  // the trace arrives again (a retried export): the current trace is shown
  await new SpanWriter(db).write([spanRecord({ traceId: tid(2), spanId: "00000000000000aa", name: "rag.answer.retry", statusCode: "OK" })]);
  assert.deepEqual(reader.table(runId)?.table.traceNames.slice(0, 2), ["support_agent.run", "rag.answer.retry"]);
  assert.equal(reader.row(runId, 1)?.traceName, "rag.answer.retry");
  db.close();
});
