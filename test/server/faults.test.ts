/**
 * Fault tests against the real headless server (`scorelens serve`) and its SQLite file:
 * kill -9 during concurrent ingest loses nothing that was acknowledged with HTTP 200 and leaves a
 * consistent database; re-sent batches are stored once; children that arrive before their root
 * give a trace whose name and state come from the root once it arrives.
 */
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import { after, test } from "node:test";
import { tmpDir } from "./lspHarness";
import { nowNs, otlpJsonBody, otlpProtoBody, type SpanSpec } from "./otlpBodies";
import { cliTrace, openReadonly, randomHex, rawRequest, startServe, stopAllServers, type ServeProcess } from "./serveHarness";

after(async () => {
  await stopAllServers();
});

interface Sent {
  traceId: string;
  spanIds: string[];
  format: "json" | "protobuf";
  /** HTTP status, or the client-side error when no response came. */
  outcome: number | string;
  /** Whether the request was started after the kill was sent. */
  afterKill: boolean;
}

/** One trace of `n` spans: a root and n-1 children, each child with token usage. */
function makeTrace(n: number): SpanSpec[] {
  const traceId = randomHex(16);
  const base = nowNs();
  const rootId = randomHex(8);
  const spans: SpanSpec[] = [
    { traceId, spanId: rootId, name: "root", startNs: base, endNs: base + 50_000_000n, status: 1, attributes: { "openinference.span.kind": "AGENT" } },
  ];
  for (let i = 1; i < n; i++) {
    spans.push({
      traceId,
      spanId: randomHex(8),
      parentSpanId: rootId,
      name: `llm-${i}`,
      startNs: base + BigInt(i) * 1000n,
      endNs: base + BigInt(i) * 1000n + 500n,
      attributes: {
        "openinference.span.kind": "LLM",
        "llm.model_name": "m",
        "llm.token_count.prompt": 3,
        "llm.token_count.completion": 2,
        "input.value": "x".repeat(200),
      },
    });
  }
  return spans;
}

test("kill -9 during concurrent ingest: every span acknowledged with 200 survives, and the database is intact", async (tc) => {
  const db = path.join(tmpDir(), "traces.db");
  const server = await startServe(db);
  const WORKERS = 6;
  const KILL_AFTER_ACKS = 400;
  const MAX_REQUESTS_PER_WORKER = 2000;
  const DEADLINE = Date.now() + 60_000;

  const sent: Sent[] = [];
  let acked = 0;
  let inflight = 0;
  let killed = false;
  let inflightAtKill = -1;

  const kill = () => {
    if (killed) return;
    killed = true;
    inflightAtKill = inflight;
    server.proc.kill("SIGKILL");
  };

  const worker = async (w: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Workers keep posting through the kill, until the server is gone (a request without an answer).
      for (let i = 0; i < MAX_REQUESTS_PER_WORKER && Date.now() < DEADLINE; i++) {
        // Mostly small batches, some large ones so that commits are in progress at the kill.
        const n = i % 7 === 3 ? 60 : 1 + ((i * 5 + w) % 12);
        const spans = makeTrace(n);
        const format = (i + w) % 2 === 0 ? "json" : "protobuf";
        const rec: Sent = { traceId: spans[0]!.traceId, spanIds: spans.map((s) => s.spanId), format, outcome: "pending", afterKill: killed };
        sent.push(rec);
        inflight++;
        try {
          const res = await rawRequest(server.port, {
            agent,
            timeoutMs: 15_000,
            headers: { "content-type": format === "json" ? "application/json" : "application/x-protobuf" },
            body: format === "json" ? otlpJsonBody(spans) : otlpProtoBody(spans),
          });
          rec.outcome = res.status;
          if (res.status === 200) {
            acked++;
            // Kill a few ms later (jitter), so the kill lands at varying points of the commit cycle.
            if (acked === KILL_AFTER_ACKS) setTimeout(kill, Math.random() * 15);
          }
        } catch (e) {
          rec.outcome = (e as NodeJS.ErrnoException).code ?? String(e);
        } finally {
          inflight--;
        }
        if (typeof rec.outcome !== "number") break; // the server is gone
      }
    } finally {
      agent.destroy();
    }
  };

  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await server.kill9();
  assert.ok(killed, `the kill happened (acked ${acked} requests; server stderr:\n${server.stderr()})`);
  assert.ok(inflightAtKill >= 1, `requests were in flight at the kill (${inflightAtKill})`);
  const exit = await server.exited;
  assert.equal(exit.signal, "SIGKILL");

  const ok = sent.filter((r) => r.outcome === 200);
  const failedBeforeKill = sent.filter((r) => !r.afterKill && typeof r.outcome === "number" && r.outcome !== 200);
  assert.deepEqual(failedBeforeKill.map((r) => r.outcome), [], "no request was refused while the server was up");
  assert.ok(ok.length >= KILL_AFTER_ACKS, `${ok.length} acknowledged`);
  const unanswered = sent.filter((r) => typeof r.outcome !== "number");
  assert.equal(unanswered.length, WORKERS, "every worker ended with a request the dead server never answered");

  // Restart on the same file: WAL recovery, then the lease of the dead owner is taken over at once.
  const restarted = await startServe(db);
  const ro = openReadonly(db);
  try {
    assert.equal(ro.pragma("integrity_check", { simple: true }), "ok");
    assert.deepEqual(ro.pragma("foreign_key_check"), []);
    const stored = new Set(
      (ro.prepare("SELECT trace_id || ':' || span_id AS k FROM spans").pluck().all() as string[]),
    );
    const missing: string[] = [];
    for (const r of ok) for (const id of r.spanIds) if (!stored.has(`${r.traceId}:${id}`)) missing.push(`${r.format} ${r.traceId}:${id}`);
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged spans are missing`);

    // A request is one transaction: the unanswered ones are stored entirely or not at all.
    const unansweredStored = unanswered.filter((r) => stored.has(`${r.traceId}:${r.spanIds[0]!}`)).length;
    tc.diagnostic(
      `${sent.length} requests, ${ok.length} acknowledged (${ok.filter((r) => r.afterKill).length} of them sent after the kill signal), ` +
        `${inflightAtKill} in flight at the kill, ${unanswered.length} unanswered (${unansweredStored} of them committed anyway, ` +
        `${unanswered.filter((r) => !r.afterKill).length} sent before the kill signal), ${stored.size} spans stored`,
    );
    for (const r of unanswered) {
      const have = r.spanIds.filter((id) => stored.has(`${r.traceId}:${id}`)).length;
      assert.ok(have === 0 || have === r.spanIds.length, `request ${r.traceId} partially stored: ${have}/${r.spanIds.length}`);
    }

    // The rollup rows agree with the span rows (one trace per request).
    const rollupMismatch = ro
      .prepare(
        `SELECT t.trace_id, t.span_count, count(s.span_id) AS n FROM traces t LEFT JOIN spans s ON s.trace_id = t.trace_id
         GROUP BY t.trace_id HAVING t.span_count != n`,
      )
      .all();
    assert.deepEqual(rollupMismatch, []);
    const orphans = ro.prepare("SELECT count(*) FROM spans WHERE trace_id NOT IN (SELECT trace_id FROM traces)").pluck().get();
    assert.equal(orphans, 0);
    const tokens = ro
      .prepare("SELECT t.trace_id FROM traces t WHERE t.input_tokens != 3 * (t.span_count - 1) OR t.output_tokens != 2 * (t.span_count - 1)")
      .all();
    assert.deepEqual(tokens, [], "token rollups match the stored spans");
  } finally {
    ro.close();
  }

  // The restarted server keeps ingesting.
  const more = makeTrace(3);
  const res = await rawRequest(restarted.port, { headers: { "content-type": "application/json" }, body: otlpJsonBody(more) });
  assert.equal(res.status, 200);
  const t = await cliTrace(db, more[0]!.traceId);
  assert.equal(t.summary.spanCount, 3);
  await restarted.stop();
});

let shared: ServeProcess | null = null;
let sharedDb = "";
async function sharedServer(): Promise<ServeProcess> {
  if (!shared) {
    sharedDb = path.join(tmpDir(), "traces.db");
    shared = await startServe(sharedDb);
  }
  return shared;
}

async function post(port: number, format: "json" | "protobuf", spans: SpanSpec[]): Promise<void> {
  const res = await rawRequest(port, {
    headers: { "content-type": format === "json" ? "application/json" : "application/x-protobuf" },
    body: format === "json" ? otlpJsonBody(spans) : otlpProtoBody(spans),
  });
  assert.equal(res.status, 200, res.body.toString());
}

test("idempotency: the same batch posted twice (and again as protobuf) is stored once; rollups are not doubled", async () => {
  const s = await sharedServer();
  const spans = makeTrace(4);
  const traceId = spans[0]!.traceId;
  await post(s.port, "json", spans);
  await post(s.port, "json", spans);
  await post(s.port, "protobuf", spans);
  // Two concurrent re-sends of one span, overlapping with one new span.
  const extra: SpanSpec = { ...spans[1]!, spanId: randomHex(8), name: "late" };
  await Promise.all([post(s.port, "json", [spans[1]!, extra]), post(s.port, "protobuf", [spans[1]!, extra])]);

  const t = await cliTrace(sharedDb, traceId);
  assert.equal(t.spans.length, 5);
  assert.deepEqual(new Set(t.spans.map((x) => x.spanId)), new Set([...spans.map((x) => x.spanId), extra.spanId]));
  assert.equal(t.summary.spanCount, 5);
  assert.equal(t.summary.inputTokens, 3 * 4);
  assert.equal(t.summary.outputTokens, 2 * 4);
  assert.equal(t.summary.totalTokens, 5 * 4);
  assert.equal(t.summary.errorCount, 0);
  const ro = openReadonly(sharedDb);
  try {
    assert.equal(ro.prepare("SELECT count(*) FROM spans WHERE trace_id = ?").pluck().get(traceId), 5);
    assert.equal(ro.prepare("SELECT span_count FROM traces WHERE trace_id = ?").pluck().get(traceId), 5);
  } finally {
    ro.close();
  }
});

test("spans that arrive before their parent: the trace is IN_PROGRESS, then takes its name and state from the root", async () => {
  const s = await sharedServer();
  const traceId = randomHex(16);
  const rootId = randomHex(8);
  const midId = randomHex(8);
  const base = nowNs();
  const leaf: SpanSpec = {
    traceId,
    spanId: randomHex(8),
    parentSpanId: midId,
    name: "leaf-llm",
    startNs: base + 2_000_000n,
    endNs: base + 3_000_000n,
    status: 1,
    attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 7, "gen_ai.usage.output_tokens": 1 },
  };
  const mid: SpanSpec = { traceId, spanId: midId, parentSpanId: rootId, name: "mid-step", startNs: base + 1_000_000n, endNs: base + 4_000_000n, status: 2 };
  const root: SpanSpec = {
    traceId,
    spanId: rootId,
    name: "the-root",
    startNs: base,
    endNs: base + 10_000_000n,
    status: 2,
    attributes: { "input.value": "question", "output.value": "answer" },
  };

  await post(s.port, "protobuf", [leaf]);
  let t = await cliTrace(sharedDb, traceId);
  assert.equal(t.summary.hasRoot, false);
  assert.equal(t.summary.state, "IN_PROGRESS");
  assert.equal(t.summary.name, "leaf-llm");

  await post(s.port, "json", [mid]);
  t = await cliTrace(sharedDb, traceId);
  assert.equal(t.summary.hasRoot, false);
  assert.equal(t.summary.state, "IN_PROGRESS", "a failed non-root span does not decide the trace state");
  assert.equal(t.summary.name, "mid-step", "without a root, the earliest span names the trace");
  assert.equal(t.summary.errorCount, 1);

  await post(s.port, "protobuf", [root]);
  t = await cliTrace(sharedDb, traceId);
  assert.equal(t.summary.hasRoot, true);
  assert.equal(t.summary.name, "the-root");
  assert.equal(t.summary.state, "ERROR");
  assert.equal(t.summary.spanCount, 3);
  assert.equal(t.summary.errorCount, 2);
  assert.equal(t.summary.inputTokens, 7);
  assert.equal(t.summary.outputTokens, 1);
  assert.equal(t.summary.requestPreview, "question");
  assert.equal(t.summary.responsePreview, "answer");
  assert.equal(t.summary.durationMs, 10);
  assertMsClose(t.summary.startTimeMs, Number(base / 1_000_000n));
  assert.deepEqual(
    t.spans.map((x) => [x.name, x.parentSpanId]),
    [
      ["the-root", null],
      ["mid-step", rootId],
      ["leaf-llm", midId],
    ],
  );

  // A later child (after the root) does not rename the trace or change its state.
  const late: SpanSpec = { traceId, spanId: randomHex(8), parentSpanId: rootId, name: "early-but-late", startNs: base - 5_000_000n, endNs: base + 1n, status: 1 };
  await post(s.port, "json", [late]);
  t = await cliTrace(sharedDb, traceId);
  assert.equal(t.summary.name, "the-root");
  assert.equal(t.summary.state, "ERROR");
  assert.equal(t.summary.spanCount, 4);
  assertMsClose(t.summary.startTimeMs, Number((base - 5_000_000n) / 1_000_000n));
});

/** Within a microsecond (the exact value is checked by the test below). */
function assertMsClose(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 0.001, `${actual} ≈ ${expected}`);
}

test(
  "a trace's startTimeMs is the same exact millisecond whether its spans arrive in one request or several",
  async () => {
    const s = await sharedServer();
    // 1795459750474000000 ns is not representable as a double; its millisecond value is.
    const startNs = 1_795_459_750_474_000_000n;
    const mk = (traceId: string, spanId: string, parentSpanId: string | undefined, off: bigint): SpanSpec => ({
      traceId,
      spanId,
      ...(parentSpanId ? { parentSpanId } : {}),
      name: parentSpanId ? "child" : "root",
      startNs: startNs + off,
      endNs: startNs + 5_000_000n,
    });
    const oneShot = randomHex(16);
    const rootA = randomHex(8);
    await post(s.port, "json", [mk(oneShot, rootA, undefined, 0n), mk(oneShot, randomHex(8), rootA, 1_000_000n)]);
    const split = randomHex(16);
    const rootB = randomHex(8);
    await post(s.port, "json", [mk(split, randomHex(8), rootB, 1_000_000n)]);
    await post(s.port, "json", [mk(split, rootB, undefined, 0n)]);
    const a = await cliTrace(sharedDb, oneShot);
    const b = await cliTrace(sharedDb, split);
    assert.equal(a.summary.startTimeMs, 1_795_459_750_474);
    assert.equal(b.summary.startTimeMs, 1_795_459_750_474);
  },
);
