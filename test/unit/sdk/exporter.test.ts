import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  client,
  configure,
  flush,
  getCurrentSpan,
  shutdown,
  startSpan,
  trace,
  updateCurrentTrace,
  withSpan,
} from "../../../sdk/index";
import { parseRetryAfter } from "../../../sdk/tracing/exporter";
import { CaptureServer, sleep } from "./helpers";

const server = new CaptureServer();
const SDK_ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../sdk/index.ts");

before(async () => {
  await server.start();
});

after(async () => {
  await shutdown();
  await server.close();
});

beforeEach(() => {
  server.reset();
  configure({
    endpoint: server.url,
    enabled: true,
    headers: {},
    batchSize: 512,
    flushIntervalMs: 10_000,
    maxRetries: 3,
    compression: "none",
    serviceName: "exporter-test",
  });
});

describe("OTLP/JSON wire format", () => {
  it("sends spec JSON: hex ids, string nanos, intValue strings, resource service.name, scope scorelens-sdk", async () => {
    withSpan("wire", (span) => {
      span.setAttribute("count", 7);
      span.setAttribute("ratio", 0.5);
      span.setAttribute("flag", true);
      span.setAttribute("big", 2n ** 60n);
      span.setAttribute("list", ["a", "b"]);
      span.setAttribute("object", { nested: [1, 2] });
      span.setAttribute("removed", "x");
      span.setAttribute("removed", undefined);
      return "done";
    });
    await flush();

    assert.equal(server.requests.length, 1);
    const request = server.requests[0];
    assert.ok(request);
    assert.equal(request.url, "/v1/traces");
    assert.equal(request.headers["content-type"], "application/json");
    const resourceSpans = request.body.resourceSpans[0];
    assert.ok(resourceSpans);
    const resource = Object.fromEntries(resourceSpans.resource.attributes.map((kv) => [kv.key, kv.value]));
    assert.deepEqual(resource["service.name"], { stringValue: "exporter-test" });
    assert.deepEqual(resource["telemetry.sdk.language"], { stringValue: "nodejs" });
    const scopeSpans = resourceSpans.scopeSpans[0];
    assert.ok(scopeSpans);
    assert.equal(scopeSpans.scope.name, "scorelens-sdk");
    const span = scopeSpans.spans[0];
    assert.ok(span);
    assert.match(span.traceId, /^[0-9a-f]{32}$/);
    assert.match(span.spanId, /^[0-9a-f]{16}$/);
    assert.equal(span.parentSpanId, undefined);
    assert.equal(span.kind, 1);
    assert.match(span.startTimeUnixNano, /^\d{19}$/);
    assert.match(span.endTimeUnixNano, /^\d{19}$/);
    const startMs = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
    assert.ok(Math.abs(startMs - Date.now()) < 60_000, "start time is wall-clock nanoseconds");
    assert.deepEqual(span.status, { code: 1 });
    const attributes = Object.fromEntries(span.attributes.map((kv) => [kv.key, kv.value]));
    assert.deepEqual(attributes["count"], { intValue: "7" });
    assert.deepEqual(attributes["ratio"], { doubleValue: 0.5 });
    assert.deepEqual(attributes["flag"], { boolValue: true });
    assert.deepEqual(attributes["big"], { intValue: "1152921504606846976" });
    assert.deepEqual(attributes["list"], { arrayValue: { values: [{ stringValue: "a" }, { stringValue: "b" }] } });
    assert.deepEqual(attributes["object"], { stringValue: '{"nested":[1,2]}' });
    assert.equal(attributes["removed"], undefined);
    assert.deepEqual(attributes["mlflow.spanType"], { stringValue: '"UNKNOWN"' });
    assert.deepEqual(attributes["mlflow.spanOutputs"], { stringValue: '"done"' });
  });

  it("sends configured headers, and gzip when asked", async () => {
    configure({ headers: { authorization: "Bearer t0k", "content-type": "text/plain" }, compression: "gzip" });
    withSpan("headers", () => 1);
    await flush();
    const request = server.requests[0];
    assert.ok(request);
    assert.equal(request.headers["authorization"], "Bearer t0k");
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers["content-encoding"], "gzip");
    assert.equal(server.span("headers").name, "headers");
  });
});

describe("batching", () => {
  it("sends a full batch without flush(), and the rest after flushIntervalMs", async () => {
    configure({ batchSize: 3, flushIntervalMs: 100 });
    for (let i = 0; i < 4; i++) withSpan(`b${i}`, () => i);
    await sleep(50);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.body.resourceSpans[0]?.scopeSpans[0]?.spans.length, 3);
    await sleep(200);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(server.spans().map((span) => span.name), ["b0", "b1", "b2", "b3"]);
  });

  it("flush() with many spans splits them into batches", async () => {
    configure({ batchSize: 10 });
    for (let i = 0; i < 35; i++) withSpan(`s${i}`, () => i);
    await flush();
    assert.equal(server.spans().length, 35);
    assert.equal(server.requests.length, 4);
  });
});

describe("retries", () => {
  it("honours Retry-After on 503, then succeeds", async () => {
    server.script.push({ status: 503, headers: { "retry-after": "1" } });
    withSpan("retried", () => "ok");
    await flush();
    assert.equal(server.requests.length, 2);
    const [first, second] = server.requests;
    assert.ok(first && second);
    const waited = second.receivedAtMs - first.receivedAtMs;
    assert.ok(waited >= 950, `waited ${waited} ms`);
    assert.equal(first.rawText, second.rawText);
    assert.equal(server.span("retried").name, "retried");
  });

  it("retries 429 with backoff up to maxRetries, then drops the batch; does not retry 400", async () => {
    configure({ maxRetries: 2 });
    server.script.push({ status: 429 }, { status: 429 }, { status: 429 });
    withSpan("dropped", () => 1);
    await flush();
    assert.equal(server.requests.length, 3);

    server.reset();
    server.script.push({ status: 400, body: '{"error":"bad"}' });
    withSpan("rejected", () => 1);
    await flush();
    assert.equal(server.requests.length, 1);
  });

  it("drops instead of waiting when Retry-After exceeds maxRetryDelayMs", async () => {
    configure({ maxRetryDelayMs: 500 });
    server.script.push({ status: 503, headers: { "retry-after": "120" } });
    const started = Date.now();
    withSpan("too-late", () => 1);
    await flush();
    assert.ok(Date.now() - started < 2_000);
    assert.equal(server.requests.length, 1);
  });

  it("survives an unreachable endpoint without throwing", async () => {
    configure({ endpoint: "http://127.0.0.1:1/v1/traces", maxRetries: 1 });
    withSpan("nowhere", () => 1);
    await assert.doesNotReject(flush());
    configure({ endpoint: "not a url" });
    withSpan("bad-url", () => 1);
    await assert.doesNotReject(flush());
    assert.equal(server.requests.length, 0);
  });

  it("parses Retry-After seconds and HTTP dates", () => {
    assert.equal(parseRetryAfter("3"), 3000);
    assert.equal(parseRetryAfter(undefined), null);
    assert.equal(parseRetryAfter("soon"), null);
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), 5000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2025 00:00:05 GMT", now), 0);
  });
});

describe("disabled mode", () => {
  it("configure({enabled:false}) sends nothing, functions still run, spans are no-ops", async () => {
    configure({ enabled: false });
    const traced = trace(async (x: number) => x * 2);
    assert.equal(await traced(21), 42);
    const inner = withSpan("off", (span) => {
      assert.equal(span.isRecording, false);
      span.setAttribute("a", 1).setInputs({}).end();
      updateCurrentTrace({ tags: { a: "b" } });
      return getCurrentSpan();
    });
    assert.equal(inner, null);
    const manual = startSpan({ name: "manual-off" });
    manual.end();
    const root = client.startTrace({ name: "client-off" });
    client.endSpan(root.traceId, root.spanId);
    client.endTrace(root.traceId);
    assert.throws(() => trace(() => {
      throw new Error("still thrown");
    })(), /still thrown/);
    await flush();
    assert.equal(server.requests.length, 0);
  });

  it("wrappers created while disabled record once re-enabled", async () => {
    configure({ enabled: false });
    const traced = trace(function lateEnabled() {
      return 1;
    });
    configure({ enabled: true });
    traced();
    await flush();
    assert.equal(server.span("lateEnabled").name, "lateEnabled");
  });
});

describe("process lifetime", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "scorelens-sdk-test-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function runScript(source: string, env: Record<string, string>): Promise<{ code: number | null; ms: number; stderr: string }> {
    const file = path.join(dir, `script-${Math.random().toString(36).slice(2)}.mts`);
    writeFileSync(file, source);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", file], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, ms: Date.now() - started, stderr }));
    });
  }

  it("a script that never calls flush() still exports its spans before exiting (beforeExit)", async () => {
    const result = await runScript(
      `import { trace, configure } from ${JSON.stringify(SDK_ENTRY)};
configure({ flushIntervalMs: 60_000 });
const work = trace(async function scriptWork(n: number) { return n + 1; });
await work(1);
`,
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: server.url, OTEL_SERVICE_NAME: "child-script" },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
    assert.equal(server.span("scriptWork").name, "scriptWork");
    const resource = server.requests[0]?.body.resourceSpans[0]?.resource.attributes.find((kv) => kv.key === "service.name");
    assert.deepEqual(resource?.value, { stringValue: "child-script" });
  });

  it("the exporter never keeps the process alive, even when the endpoint is down", async () => {
    const result = await runScript(
      `import { trace, configure } from ${JSON.stringify(SDK_ENTRY)};
configure({ flushIntervalMs: 60_000, maxRetries: 1 });
trace(function quick() { return 1; })();
`,
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:1/v1/traces" },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
    assert.equal(result.stderr, "", "silent without SCORELENS_DEBUG");
  });

  it("SCORELENS_TRACING_DISABLED=1 sends nothing; SCORELENS_DEBUG logs dropped exports to stderr", async () => {
    const disabled = await runScript(
      `import { trace, flush } from ${JSON.stringify(SDK_ENTRY)};
trace(function disabledWork() { return 1; })();
await flush();
`,
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: server.url, SCORELENS_TRACING_DISABLED: "1" },
    );
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal(server.requests.length, 0);

    const debug = await runScript(
      `import { trace, flush, configure } from ${JSON.stringify(SDK_ENTRY)};
configure({ maxRetries: 0 });
trace(function debugWork() { return 1; })();
await flush();
`,
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:1/v1/traces", SCORELENS_DEBUG: "1" },
    );
    assert.equal(debug.code, 0, debug.stderr);
    assert.match(debug.stderr, /\[scorelens\] debug dropped 1 span\(s\)/);
  });
});

describe("shutdown", () => {
  it("flushes, then records nothing until configure() is called again", async () => {
    withSpan("before-shutdown", () => 1);
    await shutdown();
    assert.equal(server.span("before-shutdown").name, "before-shutdown");
    const result = withSpan("after-shutdown", (span) => span.isRecording);
    assert.equal(result, false);
    await flush();
    assert.equal(server.spans().length, 1);

    configure({});
    withSpan("after-reconfigure", () => 1);
    await flush();
    assert.equal(server.span("after-reconfigure").name, "after-reconfigure");
  });
});
