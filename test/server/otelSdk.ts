/**
 * The official OpenTelemetry JS SDK and OTLP exporters, pointed at a real ScoreLens server.
 * Every export result is recorded, so a test can assert that the exporter saw success.
 */
import { OTLPTraceExporter as OTLPJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";

export type ExporterKind = "proto" | "proto-gzip" | "json" | "json-gzip";

type ResultCallback = Parameters<SpanExporter["export"]>[1];
export type ExportResult = Parameters<ResultCallback>[0];

export function makeOtlpExporter(kind: ExporterKind, url: string): SpanExporter {
  const compression = kind.endsWith("gzip") ? "gzip" : "none";
  const config = { url, compression, timeoutMillis: 10_000 } as ConstructorParameters<typeof OTLPProtoExporter>[0];
  // The JSON exporter is typed against its own nested copy of sdk-trace; the runtime contract
  // (export/forceFlush/shutdown) is the same.
  return kind.startsWith("proto")
    ? (new OTLPProtoExporter(config) as unknown as SpanExporter)
    : (new OTLPJsonExporter(config as ConstructorParameters<typeof OTLPJsonExporter>[0]) as unknown as SpanExporter);
}

/** Wraps an exporter and records every export's result and span count. */
export class RecordingExporter implements SpanExporter {
  readonly results: Array<{ code: number; error: string | null; spans: number }> = [];
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: ResultCallback): void {
    this.inner.export(spans, (result: ExportResult) => {
      this.results.push({ code: result.code, error: result.error ? String(result.error) : null, spans: spans.length });
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush ? this.inner.forceFlush() : Promise.resolve();
  }
}

export interface SdkSetup {
  provider: TracerProvider;
  exporter: RecordingExporter;
}

/**
 * A TracerProvider exporting to `url`: each span in its own request (`batch: false`,
 * SimpleSpanProcessor), or everything ended before `forceFlush` in one request
 * (BatchSpanProcessor that never fires on its own).
 */
export function makeSdk(
  kind: ExporterKind,
  url: string,
  opts: { batch: boolean; resource?: Record<string, string> },
): SdkSetup {
  const exporter = new RecordingExporter(makeOtlpExporter(kind, url));
  const processor = opts.batch
    ? new BatchSpanProcessor({ exporter, maxExportBatchSize: 4096, maxQueueSize: 8192, scheduledDelayMillis: 600_000 })
    : new SimpleSpanProcessor({ exporter });
  const provider = new TracerProvider({
    resource: resourceFromAttributes(opts.resource ?? { "service.name": "scorelens-test" }),
    spanProcessors: [processor],
  });
  return { provider, exporter };
}
