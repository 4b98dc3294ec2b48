/**
 * Test helper: produces real OTLP request bodies with the official OpenTelemetry JS SDK and
 * exporters, by pointing the exporters at a throwaway HTTP server and capturing what arrives.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter as OTLPJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { IdGenerator, SpanExporter } from "@opentelemetry/sdk-trace";

export interface CapturedRequest {
  contentType: string;
  contentEncoding: string;
  /** The body as sent (still compressed when content-encoding is gzip). */
  raw: Buffer;
  /** The body after decompression. */
  body: Buffer;
  userAgent: string;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/** A tiny OTLP/HTTP sink on 127.0.0.1:<random port> that records request bodies. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const contentEncoding = String(req.headers["content-encoding"] ?? "identity");
      const body = contentEncoding === "gzip" ? zlib.gunzipSync(raw) : raw;
      const contentType = String(req.headers["content-type"] ?? "");
      requests.push({ contentType, contentEncoding, raw, body, userAgent: String(req.headers["user-agent"] ?? "") });
      // An empty ExportTraceServiceResponse is an empty protobuf message / "{}" JSON.
      if (contentType.includes("json")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      } else {
        res.writeHead(200, { "content-type": "application/x-protobuf" });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export type ExporterKind = "proto" | "proto-gzip" | "json" | "json-gzip";

export function makeExporter(kind: ExporterKind, url: string): SpanExporter {
  const compression = kind.endsWith("gzip") ? "gzip" : "none";
  const config = { url, compression, timeoutMillis: 5000 } as ConstructorParameters<typeof OTLPProtoExporter>[0];
  // The JSON exporter is typed against its own nested copy of sdk-trace; the runtime contract
  // (export/shutdown) is the same.
  return kind.startsWith("proto")
    ? (new OTLPProtoExporter(config) as unknown as SpanExporter)
    : (new OTLPJsonExporter(config as ConstructorParameters<typeof OTLPJsonExporter>[0]) as unknown as SpanExporter);
}

/** The spans {@link emitSampleTrace} creates, for assertions. */
export const SAMPLE = {
  serviceName: "wire-test-app",
  scopeName: "wire-test-scope",
  scopeVersion: "1.2.3",
  rootName: "agent.run",
  childName: "llm.chat",
  toolName: "tool.search",
} as const;

/**
 * Emits one trace: a SERVER root with two children (a CLIENT LLM call with every attribute type,
 * an event and OK status; an INTERNAL tool call that fails with an exception), all with a
 * SimpleSpanProcessor so each span is one export request.
 */
export function emitSampleTrace(tracer: Tracer): void {
  emitSampleTraceAt(tracer);
}

/** Nanosecond epoch times used by {@link emitSampleTraceAt} with a fixed base. */
export const FIXED_BASE_MS = 1_750_000_000_000;

/**
 * {@link emitSampleTrace}, with all times fixed relative to `baseMs` when given (for fixtures):
 * root [base, base+100ms], llm [base+10, base+60] with its event at base+20, tool [base+65, base+90].
 */
export function emitSampleTraceAt(tracer: Tracer, baseMs?: number): void {
  const at = (ms: number): Date | undefined => (baseMs === undefined ? undefined : new Date(baseMs + ms));
  const root = tracer.startSpan(SAMPLE.rootName, {
    kind: SpanKind.SERVER,
    attributes: { "session.id": "s-1", "input.value": "What is 2+2?" },
    startTime: at(0),
  });
  const ctx = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    SAMPLE.childName,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": -3,
        "llm.temperature": 0.25,
        ok: true,
        tags: ["a", "b"],
        "int.list": [1, 2, 3],
        nested: { role: "user", n: 7, deep: { x: [true, false] } },
        raw: new Uint8Array([0, 1, 2, 250, 255]),
      },
      startTime: at(10),
    },
    ctx,
  );
  llm.addEvent("gen_ai.content.prompt", { "gen_ai.prompt": "What is 2+2?", index: 0 }, at(20));
  llm.setStatus({ code: SpanStatusCode.OK });
  llm.end(at(60));
  const tool = tracer.startSpan(SAMPLE.toolName, { kind: SpanKind.INTERNAL, startTime: at(65) }, ctx);
  const err = new Error("search backend down");
  err.stack = "Error: search backend down\n    at search (tool.ts:1:1)";
  tool.recordException(err, at(70));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: "search backend down" });
  tool.addLink({ context: llm.spanContext(), attributes: { "link.kind": "follows" } });
  tool.end(at(90));
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(at(100));
}

export interface CaptureOptions {
  /** What to emit; defaults to {@link emitSampleTrace}. */
  emit?: (tracer: Tracer) => void;
  /** Export everything ended before `forceFlush` in one request instead of one per span. */
  batch?: boolean;
  /** Fixed ids, for reproducible fixtures. */
  idGenerator?: IdGenerator;
}

/**
 * A provider exporting each span on its own (SimpleSpanProcessor), or everything ended before
 * `forceFlush` in one request (`batch`: a BatchSpanProcessor that never fires on its own).
 */
export function makeProvider(exporter: SpanExporter, opts: CaptureOptions = {}): TracerProvider {
  const processor = opts.batch
    ? new BatchSpanProcessor({ exporter, maxExportBatchSize: 4096, maxQueueSize: 8192, scheduledDelayMillis: 600_000 })
    : new SimpleSpanProcessor({ exporter });
  return new TracerProvider({
    resource: resourceFromAttributes({ "service.name": SAMPLE.serviceName, "deployment.environment": "test" }),
    spanProcessors: [processor],
    ...(opts.idGenerator ? { idGenerator: opts.idGenerator } : {}),
  });
}

/** Runs `emit` against a fresh provider whose exporter sends to a capture server; returns the requests. */
export async function capture(kind: ExporterKind, opts: CaptureOptions = {}): Promise<CapturedRequest[]> {
  const server = await startCaptureServer();
  try {
    const provider = makeProvider(makeExporter(kind, server.url), opts);
    (opts.emit ?? emitSampleTrace)(provider.getTracer(SAMPLE.scopeName, SAMPLE.scopeVersion));
    await provider.forceFlush();
    await provider.shutdown();
    return server.requests;
  } finally {
    await server.close();
  }
}

/** Ids 0x…01, 0x…02, … (trace ids and span ids from separate counters). */
export function sequentialIds(traceBase = "7f3a", spanBase = "5b"): IdGenerator {
  let t = 0;
  let s = 0;
  return {
    generateTraceId: () => traceBase + (++t).toString(16).padStart(32 - traceBase.length, "0"),
    generateSpanId: () => spanBase + (++s).toString(16).padStart(16 - spanBase.length, "0"),
  };
}
