/**
 * evaluate(): predictFn traces captured in-process and exported to a real OTLP receiver (a
 * node:http server on 127.0.0.1), scorer arguments, error capture, metrics, concurrency, timeouts.
 * Uploading the run is covered by evaluate-upload.test.ts; here `logToServer` is off.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  aggregate,
  configure,
  evaluate,
  EVAL_RUN_ID_TAG,
  Feedback,
  flush,
  PREDICT_TIMEOUT_ERROR_TYPE,
  SCORER_TIMEOUT_ERROR_TYPE,
  scorer,
  ScorerTrace,
  shutdown,
  trace,
  withSpan,
  type ScorerTrace as ScorerTraceType,
} from "../../../sdk/index";
import { CaptureServer, jsonAttr, sleep } from "./helpers";
import { detail, span, TRACE_ID } from "./scoring/fixtures";

const server = new CaptureServer();

before(async () => {
  await server.start();
});

after(async () => {
  await shutdown();
  await server.close();
});

beforeEach(() => {
  server.reset();
  configure({ endpoint: server.url, enabled: true, serviceName: "evaluate-test", flushIntervalMs: 10_000, maxRetries: 0 });
});

const lookup = trace(async function lookup(city: string) {
  await sleep(2);
  if (city === "Atlantis") throw new Error(`no weather for ${city}`);
  return `${city}: sunny`;
}, { spanType: "TOOL" });

const agent = trace(async function agent(question: string) {
  const city = /Paris|Tokyo|Atlantis/.exec(question)?.[0];
  const weather = city === undefined ? "" : await lookup(city);
  return withSpan("llm", async () => `Answer to "${question}". ${weather}`.trim(), { spanType: "CHAT_MODEL", inputs: { question } });
}, { spanType: "AGENT" });

/** Records what each scorer call received. */
function spy() {
  const seen: Array<{ traceId: string | null; tag: string | undefined; toolSpans: number; spanIds: string[]; expectations: unknown; outputs: unknown }> = [];
  const s = scorer("spy", ({ trace: t, expectations, outputs }: { trace?: ScorerTraceType; expectations?: Record<string, unknown>; outputs?: unknown }) => {
    seen.push({
      traceId: t === undefined ? null : t.summary.traceId,
      tag: t?.info.tags[EVAL_RUN_ID_TAG],
      toolSpans: t === undefined ? -1 : t.searchSpans({ spanType: "TOOL" }).length,
      spanIds: t === undefined ? [] : t.data.spans.map((x) => x.spanId).sort(),
      expectations,
      outputs,
    });
    return true;
  });
  return { s, seen };
}

describe("evaluate() with predictFn", () => {
  it("traces each row once, captures its spans in-process and exports the same spans over OTLP", async () => {
    const { s, seen } = spy();
    const result = await evaluate({
      data: [
        { inputs: { question: "Weather in Paris?" }, expectations: { city: "Paris" } },
        { inputs: { question: "Hello?" }, expectations: { city: null } },
      ],
      predictFn: ({ question }: { question: string }) => agent(question),
      scorers: [s],
      logToServer: false,
    });
    await flush();

    assert.match(result.runId, /^run-[0-9a-z]+-[0-9a-f]{8}$/);
    assert.equal(result.rows.length, 2);
    const exported = server.spans();
    for (const [i, row] of result.rows.entries()) {
      assert.match(row.traceId ?? "", /^[0-9a-f]{32}$/, "bare hex, as the store keeps it");
      assert.equal(row.outputs, i === 0 ? 'Answer to "Weather in Paris?". Paris: sunny' : 'Answer to "Hello?".');
      assert.equal(row.error, null);
      const sent = exported.filter((x) => x.traceId === row.traceId);
      const roots = sent.filter((x) => x.parentSpanId === null);
      assert.equal(roots.length, 1, "one trace per row, no extra wrapper around a traced predictFn");
      assert.equal(roots[0]?.name, "agent");
      assert.equal(roots[0]?.attributes[`mlflow.traceTag.${EVAL_RUN_ID_TAG}`], result.runId);
      // The scorer saw the very spans the receiver got.
      const call = seen.find((x) => x.traceId === row.traceId);
      assert.ok(call, "the scorer got this row's trace");
      assert.deepEqual(call.spanIds, sent.map((x) => x.spanId).sort());
      assert.equal(call.tag, result.runId);
      assert.equal(call.toolSpans, i === 0 ? 1 : 0);
      assert.deepEqual(call.expectations, { city: i === 0 ? "Paris" : null });
      assert.equal(call.outputs, row.outputs);
      // The row's trace is the normalized, stored form.
      assert.equal(row.trace?.rootSpan?.spanType, "AGENT");
      assert.deepEqual(row.trace?.inputs, { question: (row.inputs as { question: string }).question });
      assert.equal(row.trace?.summary.state, "OK");
      assert.equal(row.trace?.summary.serviceName, "evaluate-test");
    }
    assert.equal(new Set(result.rows.map((r) => r.traceId)).size, 2);
  });

  it("wraps an untraced predictFn in a root span named after it, with inputs and outputs", async () => {
    const result = await evaluate({
      data: [{ inputs: { a: 2, b: 3 } }],
      predictFn: function add({ a, b }: { a: number; b: number }) {
        return a + b;
      },
      scorers: [scorer("is_five", ({ outputs }: { outputs?: unknown }) => outputs === 5)],
      logToServer: false,
    });
    await flush();
    const row = result.rows[0];
    assert.ok(row?.traceId);
    const root = server.span("add");
    assert.equal(root.traceId, row.traceId);
    assert.deepEqual(jsonAttr(root, "mlflow.spanInputs"), { a: 2, b: 3 });
    assert.equal(jsonAttr(root, "mlflow.spanOutputs"), 5);
    assert.equal(root.attributes[`mlflow.traceTag.${EVAL_RUN_ID_TAG}`], result.runId);
    assert.equal(row.trace?.outputs, 5);
    assert.equal(result.metrics["is_five/mean"], 1);
  });

  it("keeps a row whose predictFn throws: error recorded, trace in ERROR, scorers still run", async () => {
    const { s, seen } = spy();
    const result = await evaluate({
      data: [{ inputs: { question: "Weather in Atlantis?" } }, { inputs: { question: "Weather in Tokyo?" } }],
      predictFn: ({ question }: { question: string }) => agent(question),
      scorers: [s],
      logToServer: false,
    });
    const [failed, ok] = result.rows;
    assert.equal(failed?.error?.type, "Error");
    assert.equal(failed?.error?.message, "no weather for Atlantis");
    assert.equal(failed?.outputs, undefined);
    assert.equal(failed?.trace?.summary.state, "ERROR");
    assert.equal(failed?.trace?.searchSpans({ spanType: "TOOL" })[0]?.status.code, "ERROR");
    assert.equal(ok?.error, null);
    assert.equal(seen.length, 2);
    assert.equal(result.errorCount, 1);
  });

  it("starts a new trace per row even when called inside a span", async () => {
    const result = await withSpan("outer", () =>
      evaluate({
        data: [{ inputs: { question: "q1" } }, { inputs: { question: "q2" } }],
        predictFn: ({ question }: { question: string }) => agent(question),
        scorers: [scorer("any", () => true)],
        logToServer: false,
      }),
    );
    await flush();
    const outer = server.span("outer");
    for (const row of result.rows) {
      assert.notEqual(row.traceId, outer.traceId);
      assert.equal(row.trace?.rootSpan?.parentId, null);
    }
  });

  it("runs at most `concurrency` rows at once (default 4)", async () => {
    const peak = async (concurrency?: number): Promise<number> => {
      let running = 0;
      let max = 0;
      await evaluate({
        data: Array.from({ length: 10 }, (_, i) => ({ inputs: { i } })),
        predictFn: async () => {
          running++;
          max = Math.max(max, running);
          await sleep(15);
          running--;
          return "done";
        },
        scorers: [scorer("any", () => true)],
        logToServer: false,
        ...(concurrency === undefined ? {} : { concurrency }),
      });
      return max;
    };
    assert.equal(await peak(3), 3);
    assert.equal(await peak(1), 1);
    assert.equal(await peak(), 4);
  });

  it("gives up on a predictFn or scorer call after timeoutMs", async () => {
    const result = await evaluate({
      data: [{ inputs: { wait: 500 } }, { inputs: { wait: 0 } }],
      predictFn: async ({ wait }: { wait: number }) => {
        await sleep(wait);
        return "late";
      },
      scorers: [
        scorer("slow", async () => {
          await sleep(500);
          return true;
        }),
        scorer("fast", () => true),
      ],
      timeoutMs: 100,
      logToServer: false,
    });
    assert.equal(result.rows[0]?.error?.type, PREDICT_TIMEOUT_ERROR_TYPE);
    assert.equal(result.rows[1]?.error, null);
    for (const row of result.rows) {
      assert.equal(row.feedbacks.find((f) => f.name === "slow")?.error?.type, SCORER_TIMEOUT_ERROR_TYPE);
      assert.equal(row.feedbacks.find((f) => f.name === "fast")?.value, true);
    }
  });
});

describe("evaluate() scoring", () => {
  it("turns a throwing scorer into an error Feedback and keeps the others", async () => {
    const result = await evaluate({
      data: [{ inputs: { q: "a" }, outputs: "x" }, { inputs: { q: "b" }, outputs: "yy" }],
      scorers: [
        scorer("boom", () => {
          throw new TypeError("scorer bug");
        }),
        scorer("length", ({ outputs }: { outputs: string }) => outputs.length),
      ],
      logToServer: false,
    });
    for (const row of result.rows) {
      assert.deepEqual(row.feedbacks.map((f) => f.name), ["boom", "length"]);
      const boom = row.feedbacks[0];
      assert.equal(boom?.value, null);
      assert.equal(boom?.error?.type, "TypeError");
      assert.equal(boom?.error?.message, "scorer bug");
    }
    assert.deepEqual(result.rows.map((r) => r.feedbacks[1]?.value), [1, 2]);
    assert.equal(result.errorCount, 2);
    assert.equal(result.metrics["length/mean"], 1.5);
    assert.equal(result.metrics["boom/mean"], undefined);
    const boomMetric = result.aggregates.find((m) => m.name === "boom/mean");
    assert.equal(boomMetric?.value, null);
    assert.match(boomMetric?.note ?? "", /2 errors excluded/);
  });

  it('names metrics "{assessment}/{aggregation}" with each scorer\'s declared aggregations (default mean)', async () => {
    const length = scorer({ name: "length", aggregations: ["mean", "min", "max", "p90"] }, ({ outputs }: { outputs: string }) => outputs.length);
    const polite = scorer("polite", ({ outputs }: { outputs: string }) => (outputs.includes("please") ? "yes" : "no"));
    const checks = scorer({ name: "checks", aggregations: ["max", function double(values: number[]) {
      return 2 * values.reduce((a, b) => a + b, 0);
    }] }, ({ outputs }: { outputs: string }) => [
      new Feedback({ name: "short", value: outputs.length < 3 }),
      new Feedback({ name: "words", value: outputs.split(" ").length }),
    ]);
    const outputs = ["a", "bb please", "ccc", "dddd please"];
    const result = await evaluate({ data: outputs.map((o) => ({ inputs: {}, outputs: o })), scorers: [length, polite, checks], logToServer: false });
    assert.deepEqual(result.aggregates.map((m) => m.name), [
      "length/mean",
      "length/min",
      "length/max",
      "length/p90",
      "polite/mean",
      "short/max",
      "short/double",
      "words/max",
      "words/double",
    ]);
    assert.deepEqual(result.metrics, {
      "length/mean": 6,
      "length/min": 1,
      "length/max": 11,
      "length/p90": aggregate(outputs.map((o) => ({ name: "length", value: o.length })), ["p90"])[0]?.value,
      "polite/mean": 0.5,
      "short/max": 1,
      "short/double": 2,
      "words/max": 2,
      "words/double": 12,
    });
    assert.equal(result.errorCount, 0);
  });

  it("scores given outputs without predictFn; takes inputs/outputs/expectations from a given trace", async () => {
    const stored = detail([
      span({ spanId: "a".repeat(16), name: "root", inputs: { q: "from trace" }, outputs: "trace answer" }),
      span({ spanId: "b".repeat(16), parentSpanId: "a".repeat(16), spanType: "TOOL" }),
    ]);
    const { s, seen } = spy();
    const args: unknown[] = [];
    const echo = scorer("echo", (a: { inputs?: unknown; outputs?: unknown; expectations?: unknown }) => {
      args.push({ inputs: a.inputs, outputs: a.outputs, expectations: a.expectations });
      return true;
    });
    const result = await evaluate({
      data: [
        { inputs: { q: "plain" }, outputs: "plain answer", expectations: { e: 1 }, trace_id: `tr-${"C".repeat(32)}` },
        { trace: stored, expectations: { e: 2 } },
        new ScorerTrace(stored),
      ],
      scorers: [s, echo],
      logToServer: false,
    });
    assert.deepEqual(args, [
      { inputs: { q: "plain" }, outputs: "plain answer", expectations: { e: 1 } },
      { inputs: { q: "from trace" }, outputs: "trace answer", expectations: { e: 2 } },
      { inputs: { q: "from trace" }, outputs: "trace answer", expectations: undefined },
    ]);
    assert.deepEqual(result.rows.map((r) => r.traceId), ["c".repeat(32), TRACE_ID, TRACE_ID]);
    assert.deepEqual(seen.map((x) => x.toolSpans), [-1, 1, 1]);
    assert.equal(server.requests.length, 0, "nothing traced without predictFn");
  });

  it("rejects misuse", async () => {
    const ok = scorer("ok", () => true);
    await assert.rejects(evaluate({ data: [], scorers: [] }), /scorers must be a non-empty array/);
    await assert.rejects(evaluate({ data: [], scorers: [(() => true) as never] }), /scorers\[0\] is not a scorer/);
    await assert.rejects(evaluate({ data: [{ outputs: 1 }], predictFn: () => 1, scorers: [ok] }), /data\[0\]\.inputs must be an object/);
    await assert.rejects(evaluate({ data: [{ inputs: {} }], scorers: [ok], concurrency: 0 }), /concurrency must be a positive number/);
    await assert.rejects(evaluate({ data: "rows" as never, scorers: [ok] }), /data must be an array/);
  });
});
