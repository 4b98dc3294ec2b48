/**
 * evaluate() posting its run to the ScoreLens server: a real node:http server on 127.0.0.1 takes
 * OTLP exports on /v1/traces and validates run uploads on /scorelens/v1/runs with the zod schema
 * of protocol/evalUpload.ts (400 when invalid). Also: server errors and a server that is down.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { EVAL_UPLOAD_PATH, EvalUpload } from "../../../protocol/evalUpload";
import { configure, EVAL_RUN_ID_TAG, evaluate, RUNS_PATH, runsUrl, scorer, shutdown, trace } from "../../../sdk/index";

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The parsed upload, when it validated. */
  upload: EvalUpload | null;
  issues: string | null;
}

class ScoreLensLikeServer {
  readonly received: Received[] = [];
  /** Status for the next run uploads (default: validate and answer 200/400). */
  readonly runStatus: number[] = [];
  #server: http.Server | null = null;
  port = 0;

  get tracesUrl(): string {
    return `http://127.0.0.1:${this.port}/v1/traces`;
  }

  async start(): Promise<void> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const path = (request.url ?? "/").split("?")[0] ?? "/";
        let body: unknown = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
        } catch {
          body = null;
        }
        const entry: Received = { path, headers: request.headers, body, upload: null, issues: null };
        this.received.push(entry);
        if (request.method === "POST" && path === "/v1/traces") {
          response.writeHead(200, { "content-type": "application/json" }).end("{}");
        } else if (request.method === "POST" && path === EVAL_UPLOAD_PATH) {
          const parsed = EvalUpload.safeParse(body);
          if (parsed.success) entry.upload = parsed.data;
          else entry.issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
          const status = this.runStatus.shift() ?? (parsed.success ? 200 : 400);
          response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(parsed.success ? { runId: parsed.data.runId } : { error: entry.issues }));
        } else {
          response.writeHead(404).end("not found");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#server = null;
  }

  uploads(): Received[] {
    return this.received.filter((r) => r.path === EVAL_UPLOAD_PATH);
  }

  /** Trace ids of every span the server received before the `index`-th request. */
  traceIdsBefore(index: number): Set<string> {
    const ids = new Set<string>();
    for (const request of this.received.slice(0, index)) {
      if (request.path !== "/v1/traces") continue;
      const body = request.body as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string }> }> }> };
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) ids.add(sp.traceId);
    }
    return ids;
  }
}

const server = new ScoreLensLikeServer();

before(async () => {
  await server.start();
});

after(async () => {
  await shutdown();
  await server.close();
});

beforeEach(() => {
  server.received.length = 0;
  server.runStatus.length = 0;
  configure({ endpoint: server.tracesUrl, enabled: true, headers: {}, serviceName: "upload-test", flushIntervalMs: 10_000, maxRetries: 0 });
});

const greet = trace(async function greet(name: string) {
  return `Hello, ${name}!`;
}, { spanType: "AGENT" });

const exact = scorer("exact", ({ outputs, expectations }: { outputs?: unknown; expectations?: { greeting?: string } }) => outputs === expectations?.greeting);
const length = scorer({ name: "length", aggregations: ["mean", "max"] }, ({ outputs }: { outputs?: unknown }) => String(outputs ?? "").length);
const broken = scorer("broken", () => {
  throw new Error("nope");
});

/** Collects what sdk/log.ts writes (it writes only with SCORELENS_DEBUG set). */
async function captureStderr<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  const previous = process.env["SCORELENS_DEBUG"];
  process.env["SCORELENS_DEBUG"] = "1";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter((line) => line !== ""));
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), lines };
  } finally {
    process.stderr.write = original;
    if (previous === undefined) delete process.env["SCORELENS_DEBUG"];
    else process.env["SCORELENS_DEBUG"] = previous;
  }
}

describe("run upload", () => {
  it("posts a body that validates against EvalUpload, after the traces were exported", async () => {
    configure({ headers: { authorization: "Bearer t0k" } });
    const result = await evaluate({
      data: [
        { inputs: { name: "Ada" }, expectations: { greeting: "Hello, Ada!" } },
        { inputs: { name: "Bob" }, expectations: { greeting: "Hi Bob" } },
      ],
      predictFn: ({ name }: { name: string }) => greet(name),
      scorers: [exact, length, broken],
      name: "greetings",
    });
    assert.equal(result.upload?.ok, true, result.upload?.error ?? "");
    assert.equal(result.upload?.url, `http://127.0.0.1:${server.port}${EVAL_UPLOAD_PATH}`);
    const uploads = server.uploads();
    assert.equal(uploads.length, 1);
    const received = uploads[0];
    assert.ok(received?.upload, received?.issues ?? "no upload");
    assert.equal(received.headers["content-type"], "application/json");
    assert.equal(received.headers["authorization"], "Bearer t0k");
    const body = received.upload;

    assert.equal(body.runId, result.runId);
    assert.equal(body.name, "greetings");
    assert.equal(body.predicted, true);
    assert.ok(body.durationMs >= 0 && body.startedMs <= Date.now());
    assert.deepEqual(body.scorers, [
      { name: "exact", aggregations: null, sourceHash: "" },
      { name: "length", aggregations: ["mean", "max"], sourceHash: "" },
      { name: "broken", aggregations: null, sourceHash: "" },
    ]);
    assert.deepEqual(body.aggregates, result.aggregates);
    assert.deepEqual(body.aggregates.map((m) => [m.name, m.value]), [
      ["exact/mean", 0.5],
      ["length/mean", 11],
      ["length/max", 11],
      ["broken/mean", null],
    ]);
    assert.equal(body.errorCount, 2);
    assert.equal(body.rows.length, 2);

    // Every row's trace reached the OTLP endpoint before the run was posted.
    const exported = server.traceIdsBefore(server.received.indexOf(received));
    for (const [i, row] of body.rows.entries()) {
      const local = result.rows[i];
      assert.equal(row.traceId, local?.traceId);
      assert.ok(exported.has(row.traceId), `trace ${row.traceId} exported before the upload`);
      assert.equal(row.datasetRow, i);
      assert.deepEqual(row.feedbacks, local?.feedbacks);
      assert.deepEqual(row.scores.map((s) => [s.scorer, s.feedbacks.map((f) => f.name)]), [
        ["exact", ["exact"]],
        ["length", ["length"]],
        ["broken", ["broken"]],
      ]);
      assert.deepEqual(row.logs, []);
      assert.deepEqual(row.inputs, local?.inputs);
      assert.equal(row.outputs, local?.outputs);
      assert.deepEqual(row.expectations, local?.expectations);
      assert.equal(row.error, null);
    }
    const tags = server.received
      .filter((r) => r.path === "/v1/traces")
      .flatMap((r) => JSON.stringify(r.body).includes(`mlflow.traceTag.${EVAL_RUN_ID_TAG}`) ? [r] : []);
    assert.ok(tags.length > 0, "the exported traces carry the run id tag");
  });

  it("names rows without a trace row-<index> and makes odd values JSON-safe", async () => {
    const cyclic: Record<string, unknown> = { big: 10n };
    cyclic["self"] = cyclic;
    const result = await evaluate({
      data: [{ inputs: { q: 1 }, outputs: cyclic }, { inputs: { q: 2 }, outputs: "plain", trace_id: "F".repeat(32) }],
      scorers: [length],
    });
    assert.equal(result.upload?.ok, true, result.upload?.error ?? "");
    const body = server.uploads()[0]?.upload;
    assert.ok(body);
    assert.equal(body.predicted, false);
    assert.deepEqual(body.rows.map((r) => r.traceId), ["row-0", "f".repeat(32)]);
    assert.deepEqual(body.rows[0]?.outputs, { big: "10", self: "[Circular]" });
    assert.equal(body.rows[0]?.expectations, undefined);
  });

  it("the schema rejects what the server must not accept", async () => {
    await evaluate({ data: [{ inputs: {}, outputs: "x" }], scorers: [length] });
    const valid = server.uploads()[0]?.body as { rows: Array<Record<string, unknown>>; scorers: unknown[] };
    assert.ok(EvalUpload.safeParse(valid).success);
    const withPrefixedId = { ...valid, rows: [{ ...valid.rows[0], traceId: `tr-${"a".repeat(32)}` }] };
    assert.equal(EvalUpload.safeParse(withPrefixedId).success, false, "trace ids are bare hex");
    assert.equal(EvalUpload.safeParse({ ...valid, scorers: [] }).success, false);
    assert.equal(EvalUpload.safeParse({ ...valid, runId: "" }).success, false);
  });

  it("logToServer: false posts nothing", async () => {
    const result = await evaluate({ data: [{ inputs: {}, outputs: "x" }], scorers: [length], logToServer: false });
    assert.equal(result.upload, null);
    assert.equal(server.uploads().length, 0);
  });

  it("a server error still returns the results, with one warning", async () => {
    server.runStatus.push(500);
    const { value: result, lines } = await captureStderr(() => evaluate({ data: [{ inputs: {}, outputs: "abc" }], scorers: [length] }));
    assert.equal(result.metrics["length/mean"], 3);
    assert.equal(result.upload?.ok, false);
    assert.equal(result.upload?.status, 500);
    assert.match(result.upload?.error ?? "", /^HTTP 500/);
    assert.equal(lines.filter((line) => line.includes("evaluate(): could not log run")).length, 1);
  });
});

describe("server down", () => {
  it("returns the results and logs one warning", async () => {
    const down = http.createServer();
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    configure({ endpoint: `http://127.0.0.1:${port}/v1/traces` });

    const { value: result, lines } = await captureStderr(() =>
      evaluate({
        data: [{ inputs: { name: "Ada" }, expectations: { greeting: "Hello, Ada!" } }],
        predictFn: ({ name }: { name: string }) => greet(name),
        scorers: [exact],
      }),
    );
    assert.equal(result.rows[0]?.outputs, "Hello, Ada!");
    assert.equal(result.metrics["exact/mean"], 1);
    assert.equal(result.upload?.ok, false);
    assert.equal(result.upload?.status, null);
    assert.match(result.upload?.error ?? "", /ECONNREFUSED/);
    const warnings = lines.filter((line) => line.startsWith("[scorelens] warn"));
    assert.equal(warnings.length, 1, lines.join("\n"));
    assert.match(warnings[0] ?? "", new RegExp(`could not log run ${result.runId} to the ScoreLens server at http://127.0.0.1:${port}${RUNS_PATH}`));
  });
});

describe("runsUrl", () => {
  it("derives the runs URL from the OTLP traces endpoint, or uses serverUrl", () => {
    assert.equal(runsUrl("http://127.0.0.1:4318/v1/traces"), "http://127.0.0.1:4318/scorelens/v1/runs");
    assert.equal(runsUrl("http://127.0.0.1:4318/v1/traces/"), "http://127.0.0.1:4318/scorelens/v1/runs");
    assert.equal(runsUrl("https://collector.example/otel/v1/traces"), "https://collector.example/otel/scorelens/v1/runs");
    assert.equal(runsUrl("http://127.0.0.1:4318"), "http://127.0.0.1:4318/scorelens/v1/runs");
    assert.equal(runsUrl("http://127.0.0.1:4318/v1/traces", "http://localhost:9999/"), "http://localhost:9999/scorelens/v1/runs");
    assert.equal(RUNS_PATH, EVAL_UPLOAD_PATH);
  });
});
