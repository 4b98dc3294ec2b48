import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FilterSyntaxError } from "../../../../server/search/filterErrors";
import { buildSearchSql, parseOrderBy, searchTraces, type SearchTracesOptions } from "../../../../server/search/traceSearch";
import type { Db } from "../../../../server/store/db";
import { TraceQueries } from "../../../../server/store/traceQueries";
import { ID, T0, names, seededDb, span } from "./fixtures";
import { SpanWriter } from "../../../../server/store/spanWriter";

let db: Db;
before(async () => {
  db = await seededDb();
});
after(() => db.close());

const ids = (opts: SearchTracesOptions): string[] => names(searchTraces(db, opts).map((t) => t.traceId));

function plan(opts: SearchTracesOptions): string[] {
  const { sql, params } = buildSearchSql(opts);
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
}

test("rows are exactly TraceQueries' summaries", () => {
  const viaQueries = new TraceQueries(db).listNewest(100);
  assert.deepEqual(searchTraces(db, { limit: 100 }), viaQueries);
  assert.deepEqual(searchTraces(db, { filter: "", limit: 100 }), viaQueries);
  const chat = searchTraces(db, { filter: "tag.env = 'production' AND span.type = 'CHAT_MODEL'", limit: 10 });
  assert.deepEqual(chat, [new TraceQueries(db).getSummary(ID.chat)]);
  assert.equal(chat[0]?.requestId, `tr-${ID.chat}`);
  assert.equal(chat[0]?.endTimeMs, T0 + 1500);
  assert.equal(typeof chat[0]?.spanCount, "number");
});

test("default order is newest first; keyset paging with `before` walks the filtered list", () => {
  assert.deepEqual(ids({ limit: 10 }), ["agent", "summarize", "partial", "retrieve", "chat"]);
  const filter = "trace.status != 'IN_PROGRESS'";
  const seen: string[] = [];
  let cursor: SearchTracesOptions["before"];
  for (let page = 0; page < 5; page++) {
    const rows = searchTraces(db, { filter, limit: 2, ...(cursor ? { before: cursor } : {}) });
    seen.push(...names(rows.map((r) => r.traceId)));
    const last = rows[rows.length - 1];
    if (rows.length < 2 || !last) break;
    cursor = { startTimeMs: last.startTimeMs, traceId: last.traceId };
  }
  assert.deepEqual(seen, ["agent", "summarize", "retrieve", "chat"]);
  assert.deepEqual(ids({ limit: 10, before: { startTimeMs: T0 + 3000.5, traceId: ID.summarize } }), ["partial", "retrieve", "chat"]);
});

test("keyset ties on start time break by trace id", async () => {
  const tie = await seededDb();
  try {
    const same = T0 + 10_000;
    const a = "1".repeat(32);
    const b = "2".repeat(32);
    await new SpanWriter(tie).write([span(a, { name: "tie", startMs: same, durationMs: 1 }), span(b, { name: "tie", startMs: same, durationMs: 1 })]);
    const first = searchTraces(tie, { filter: "trace.name = 'tie'", limit: 1 });
    assert.equal(first[0]?.traceId, b);
    const second = searchTraces(tie, { filter: "trace.name = 'tie'", limit: 1, before: { startTimeMs: same, traceId: b } });
    assert.equal(second[0]?.traceId, a);
  } finally {
    tie.close();
  }
});

test("orderBy: timestamp ASC, execution time, status, name; offset paging", () => {
  assert.deepEqual(ids({ limit: 10, orderBy: "timestamp_ms ASC" }), ["chat", "retrieve", "partial", "summarize", "agent"]);
  assert.deepEqual(ids({ limit: 10, orderBy: "timestamp_ms DESC" }), ["agent", "summarize", "partial", "retrieve", "chat"]);
  assert.deepEqual(ids({ limit: 10, orderBy: "execution_time_ms DESC" }), ["retrieve", "chat", "summarize", "agent", "partial"]);
  assert.deepEqual(ids({ limit: 10, orderBy: "trace.execution_time_ms" }), ["partial", "agent", "summarize", "chat", "retrieve"]);
  // ties (same status / name) fall back to newest first
  assert.deepEqual(ids({ limit: 10, orderBy: "status" }), ["retrieve", "partial", "agent", "summarize", "chat"]);
  // names sort case-insensitively ("Retrieve" between "chat_request" and "summarize")
  assert.deepEqual(ids({ limit: 10, orderBy: "name ASC" }), ["agent", "partial", "chat", "retrieve", "summarize"]);
  assert.deepEqual(ids({ limit: 10, orderBy: "attributes.name desc" }), ["summarize", "retrieve", "partial", "chat", "agent"]);
  assert.deepEqual(ids({ limit: 2, offset: 2, orderBy: "execution_time_ms DESC" }), ["summarize", "agent"]);
  assert.deepEqual(ids({ limit: 2, offset: 4, orderBy: "execution_time_ms DESC" }), ["partial"]);
  assert.deepEqual(ids({ limit: 10, filter: "tag.env IS NOT NULL", orderBy: "execution_time_ms ASC" }), ["agent", "summarize", "chat", "retrieve"]);
  assert.deepEqual(ids({ limit: 2, offset: 1 }), ["summarize", "partial"]);
});

test("parseOrderBy validates fields and directions", () => {
  assert.deepEqual(parseOrderBy(undefined), { field: "timestamp_ms", direction: "DESC" });
  assert.deepEqual(parseOrderBy("  "), { field: "timestamp_ms", direction: "DESC" });
  assert.deepEqual(parseOrderBy("timestamp_ms"), { field: "timestamp_ms", direction: "ASC" });
  assert.deepEqual(parseOrderBy("trace.request_id DESC"), { field: "trace_id", direction: "DESC" });
  const bad = (s: string): FilterSyntaxError => {
    try {
      parseOrderBy(s);
    } catch (e) {
      if (FilterSyntaxError.is(e)) return e;
      throw e;
    }
    assert.fail(`no error for ${s}`);
  };
  assert.match(bad("cost DESC").message, /^invalid order_by at column 1: unknown order field 'cost'; valid orders are timestamp_ms/);
  const dir = bad("name SIDEWAYS");
  assert.equal(dir.column, 6);
  assert.match(dir.message, /expected ASC or DESC but found 'SIDEWAYS'/);
  assert.match(bad("name; DROP TABLE traces").message, /cannot read order_by/);
  assert.throws(() => searchTraces(db, { limit: 1, orderBy: "nope" }), FilterSyntaxError);
});

test("`before` only with the default order; limit and offset must be non-negative integers", () => {
  assert.throws(() => searchTraces(db, { limit: 1, orderBy: "name", before: { startTimeMs: T0, traceId: ID.chat } }), RangeError);
  assert.throws(() => searchTraces(db, { limit: -1 }), RangeError);
  assert.throws(() => searchTraces(db, { limit: 1.5 }), RangeError);
  assert.throws(() => searchTraces(db, { limit: 1, offset: -2 }), RangeError);
  assert.deepEqual(searchTraces(db, { limit: 0 }), []);
});

test("bad filters surface as FilterSyntaxError with the protocol shape", () => {
  try {
    searchTraces(db, { filter: "trace.status = 'OK' AND", limit: 10 });
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(FilterSyntaxError.is(e));
    assert.deepEqual(e.toFilterError(), {
      message: "invalid filter at column 24: expected a field name after AND but found end of input",
      column: 24,
      excerpt: "trace.status = 'OK' AND\n                       ^",
    });
  }
});

test("the same filter shape with other values reuses its statement and still returns the right rows", () => {
  assert.deepEqual(ids({ filter: "tag.env = 'dev'", limit: 10 }), ["agent"]);
  assert.deepEqual(ids({ filter: "tag.env = 'staging'", limit: 10 }), ["retrieve"]);
  assert.deepEqual(ids({ filter: "tag.env = 'dev'", limit: 10 }), ["agent"]);
});

test("EXPLAIN QUERY PLAN: filters on trace columns walk traces_start and never sort", () => {
  const cases: SearchTracesOptions[] = [
    { limit: 50 },
    { filter: "trace.status = 'OK'", limit: 50 },
    { filter: "trace.status = 'OK' AND trace.execution_time_ms > 1000", limit: 50 },
    { filter: "tag.env = 'production'", limit: 50, before: { startTimeMs: T0 + 5000, traceId: ID.agent } },
    { filter: "trace.name LIKE 'chat%' AND span.type = 'TOOL'", limit: 50 },
    { filter: "feedback.score > 0.5", limit: 50 },
    { filter: `trace.timestamp_ms > ${T0}`, limit: 50 },
    { filter: "trace.status = 'OK'", limit: 50, orderBy: "timestamp_ms ASC" },
  ];
  for (const opts of cases) {
    const p = plan(opts);
    const outer = p[0] ?? "";
    assert.match(outer, /^(SCAN|SEARCH) t USING (COVERING )?INDEX traces_start/, `${JSON.stringify(opts)}\n${p.join("\n")}`);
    assert.ok(!p.some((d) => d.includes("TEMP B-TREE")), `${JSON.stringify(opts)} sorts:\n${p.join("\n")}`);
  }
  // assessments are probed by trace id, never by (name, kind) per trace row (that is quadratic)
  const fb = plan({ filter: "feedback.score > 0.5 AND expectation.answer IS NULL", limit: 50 });
  assert.ok(fb.filter((d) => d.includes("assessments_trace")).length === 2, fb.join("\n"));
  assert.ok(!fb.some((d) => d.includes("assessments_name")), fb.join("\n"));
  // a time filter becomes an index range, not a scan
  assert.match(plan({ filter: `trace.timestamp_ms >= ${T0 + 1000}`, limit: 5 })[0] ?? "", /SEARCH t USING INDEX traces_start \(start_ms>\?\)/);
});
