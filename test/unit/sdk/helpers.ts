/**
 * Test helpers for the SDK: a real `node:http` OTLP receiver on 127.0.0.1:0 that records the JSON
 * bodies (and can answer with scripted statuses), plus a flattener from OTLP JSON to plain spans.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface CapturedRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  receivedAtMs: number;
  /** The status the server answered with. */
  status: number;
  body: OtlpBody;
  rawText: string;
}

export interface OtlpAnyValueJson {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values: OtlpAnyValueJson[] };
}

export interface OtlpKeyValueJson {
  key: string;
  value: OtlpAnyValueJson;
}

export interface OtlpSpanJson {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValueJson[];
  events: Array<{ name: string; timeUnixNano: string; attributes: OtlpKeyValueJson[] }>;
  status: { code: number; message?: string };
}

export interface OtlpBody {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValueJson[] };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpanJson[] }>;
  }>;
}

export type AttrJs = string | number | boolean | null | AttrJs[];

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  statusCode: number;
  statusMessage: string | undefined;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttrJs>;
  events: Array<{ name: string; attributes: Record<string, AttrJs> }>;
  raw: OtlpSpanJson;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function decodeAnyValue(value: OtlpAnyValueJson): AttrJs {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return value.arrayValue.values.map(decodeAnyValue);
  return null;
}

export function decodeAttributes(list: OtlpKeyValueJson[]): Record<string, AttrJs> {
  const out: Record<string, AttrJs> = {};
  for (const { key, value } of list) out[key] = decodeAnyValue(value);
  return out;
}

export class CaptureServer {
  readonly requests: CapturedRequest[] = [];
  /** Answers for the next requests, in order; when empty, 200 `{}`. */
  readonly script: ScriptedResponse[] = [];
  #server: http.Server | null = null;
  #port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.#port}/v1/traces`;
  }

  async start(): Promise<void> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        let buffer = Buffer.concat(chunks);
        if (request.headers["content-encoding"] === "gzip") buffer = gunzipSync(buffer);
        const rawText = buffer.toString("utf8");
        const scripted = this.script.shift() ?? { status: 200 };
        this.requests.push({
          url: request.url ?? "",
          headers: request.headers,
          receivedAtMs: Date.now(),
          status: scripted.status,
          body: JSON.parse(rawText) as OtlpBody,
          rawText,
        });
        response.writeHead(scripted.status, { "content-type": "application/json", ...scripted.headers });
        response.end(scripted.body ?? "{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#server = null;
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  /** Every span accepted (2xx) so far, flattened. */
  spans(): FlatSpan[] {
    const out: FlatSpan[] = [];
    for (const request of this.requests) {
      if (request.status < 200 || request.status >= 300) continue;
      for (const resourceSpans of request.body.resourceSpans) {
        for (const scopeSpans of resourceSpans.scopeSpans) {
          for (const span of scopeSpans.spans) {
            out.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? null,
              name: span.name,
              statusCode: span.status.code,
              statusMessage: span.status.message,
              startNs: BigInt(span.startTimeUnixNano),
              endNs: BigInt(span.endTimeUnixNano),
              attributes: decodeAttributes(span.attributes),
              events: span.events.map((event) => ({ name: event.name, attributes: decodeAttributes(event.attributes) })),
              raw: span,
            });
          }
        }
      }
    }
    return out;
  }

  /** The one span named `name` (fails the test when there are zero or several). */
  span(name: string): FlatSpan {
    const matches = this.spans().filter((span) => span.name === name);
    if (matches.length !== 1) throw new Error(`expected one span named ${name}, got ${matches.length}`);
    const [match] = matches;
    if (match === undefined) throw new Error("unreachable");
    return match;
  }
}

/** Parses a JSON-encoded attribute (mlflow.spanInputs etc.). */
export function jsonAttr(span: FlatSpan, key: string): unknown {
  const value = span.attributes[key];
  if (typeof value !== "string") throw new Error(`attribute ${key} of ${span.name} is not a string: ${String(value)}`);
  return JSON.parse(value) as unknown;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
