/**
 * Batching OTLP/HTTP JSON exporter.
 *
 * - Ended spans are queued; a batch is sent when `batchSize` spans are waiting, or `flushIntervalMs`
 *   after the first waiting span. Sending happens in the background (at most 2 requests at once).
 * - The batch timer and retry timers are `unref()`ed, so the exporter never keeps a process alive;
 *   a `beforeExit` hook flushes what is left, and {@link OtlpJsonExporter.flush} lets scripts wait.
 * - 429/502/503/504 and network errors/timeouts are retried up to `maxRetries` times with
 *   exponential backoff and jitter; `Retry-After` (seconds or HTTP date) is honoured up to
 *   `maxRetryDelayMs`. Other failures, and batches out of retries, are dropped with a debug log.
 * - Nothing here throws into the application and nothing is logged unless `SCORELENS_DEBUG` is set.
 */
import http from "node:http";
import https from "node:https";
import { gzip } from "node:zlib";
import { log } from "../log";
import { SDK_VERSION } from "../version";
import { SCOPE_NAME } from "./attributes";
import type { ResourceAttributeValue, TracingConfig } from "./config";
import { encodeExportRequest, type EncodeRequestOptions } from "./otlp";
import type { LiveSpan } from "./span";

const MAX_CONCURRENT_REQUESTS = 2;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
const DEFAULT_FLUSH_TIMEOUT_MS = 30_000;

interface PostResult {
  status: number | null;
  retryAfterMs: number | null;
  error: Error | null;
  body: string;
}

/** Parses a `Retry-After` header: delay-seconds or an HTTP date. Null when absent or invalid. */
export function parseRetryAfter(header: string | undefined, nowMs: number = Date.now()): number | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

function gzipAsync(payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzip(payload, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The resource and scope every export request carries (also used to rebuild a trace in-process, as the server will see it). */
export function exportEnvelope(config: Readonly<TracingConfig>): EncodeRequestOptions {
  const resource: Record<string, ResourceAttributeValue> = {
    ...config.resourceAttributes,
    "service.name": config.serviceName,
    "telemetry.sdk.name": "scorelens",
    "telemetry.sdk.language": "nodejs",
    "telemetry.sdk.version": SDK_VERSION,
  };
  return { resource, scope: { name: SCOPE_NAME, version: SDK_VERSION } };
}

export interface ExporterOptions {
  /** Read at every use so that `configure()` takes effect immediately. */
  getConfig: () => Readonly<TracingConfig>;
}

export class OtlpJsonExporter {
  readonly #getConfig: () => Readonly<TracingConfig>;
  #queue: LiveSpan[] = [];
  readonly #inflight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #timerIsImmediate = false;
  #flushing = 0;
  readonly #sleeps = new Set<NodeJS.Timeout>();
  #agents: { http?: http.Agent; https?: https.Agent } = {};
  #shutDown = false;
  #droppedSpans = 0;
  readonly #beforeExit = (): void => {
    if (this.#queue.length > 0 || this.#inflight.size > 0) void this.flush();
  };

  constructor(options: ExporterOptions) {
    this.#getConfig = options.getConfig;
    process.on("beforeExit", this.#beforeExit);
  }

  /** Spans waiting to be sent (not counting requests in flight). */
  get queuedCount(): number {
    return this.#queue.length;
  }

  /** Spans dropped so far (queue full, non-retryable failure, or out of retries). */
  get droppedCount(): number {
    return this.#droppedSpans;
  }

  /** Queues an ended span. Never throws, never blocks. */
  enqueue(span: LiveSpan): void {
    if (this.#shutDown) return;
    const config = this.#getConfig();
    if (this.#queue.length >= config.maxQueueSize) {
      this.#drop(1, "export queue full");
      return;
    }
    this.#queue.push(span);
    if (this.#flushing > 0) return; // flush() re-arms the timer when it is done
    if (this.#queue.length >= config.batchSize) {
      if (!this.#timerIsImmediate) this.#schedule(0);
    } else if (this.#timer === null) this.#schedule(config.flushIntervalMs);
  }

  /**
   * Sends everything queued now and waits for it (including retries), or until `timeoutMs`
   * (default 30 s) passes. Never rejects.
   */
  async flush(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<void> {
    this.#flushing++;
    for (const sleep of this.#sleeps) sleep.ref();
    this.#clearTimer();
    let deadline: NodeJS.Timeout | null = null;
    try {
      const drained = this.#drain();
      const timedOut = new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, Math.max(0, timeoutMs));
      });
      await Promise.race([drained, timedOut]);
    } catch (error) {
      log.warn("flush failed", error);
    } finally {
      if (deadline !== null) clearTimeout(deadline);
      this.#flushing--;
      if (this.#flushing === 0) for (const sleep of this.#sleeps) sleep.unref();
      if (this.#queue.length > 0 && this.#timer === null && !this.#shutDown) this.#schedule(this.#getConfig().flushIntervalMs);
    }
  }

  /** Flushes, then stops accepting spans and releases the `beforeExit` hook and sockets. */
  async shutdown(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<void> {
    if (this.#shutDown) return;
    await this.flush(timeoutMs);
    this.#shutDown = true;
    this.#clearTimer();
    process.removeListener("beforeExit", this.#beforeExit);
    this.#agents.http?.destroy();
    this.#agents.https?.destroy();
    this.#agents = {};
  }

  /** Sends the spans queued at call time (and waits for requests already in flight); later spans wait for the timer. */
  async #drain(): Promise<void> {
    const waitFor = new Set(this.#inflight);
    let remaining = this.#queue.length;
    while (remaining > 0 || waitFor.size > 0) {
      while (remaining > 0 && this.#inflight.size < MAX_CONCURRENT_REQUESTS) {
        const count = Math.min(this.#getConfig().batchSize, remaining, this.#queue.length);
        if (count === 0) {
          remaining = 0;
          break;
        }
        waitFor.add(this.#startBatch(count));
        remaining -= count;
      }
      if (waitFor.size === 0) break;
      await Promise.race(waitFor);
      for (const request of waitFor) if (!this.#inflight.has(request)) waitFor.delete(request);
    }
  }

  #schedule(delayMs: number): void {
    this.#clearTimer();
    const immediate = delayMs === 0;
    const timer = setTimeout(() => {
      this.#timer = null;
      this.#timerIsImmediate = false;
      // A full batch goes now; a partial remainder waits for the next interval.
      this.#pump(!immediate);
      if (immediate && this.#queue.length > 0 && this.#inflight.size < MAX_CONCURRENT_REQUESTS) {
        this.#schedule(this.#getConfig().flushIntervalMs);
      }
    }, delayMs);
    timer.unref();
    this.#timer = timer;
    this.#timerIsImmediate = immediate;
  }

  #clearTimer(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerIsImmediate = false;
    }
  }

  /** Starts requests while slots are free: full batches only, or also a partial one when `force`. */
  #pump(force: boolean): void {
    const batchSize = this.#getConfig().batchSize;
    while (this.#inflight.size < MAX_CONCURRENT_REQUESTS && this.#queue.length > 0) {
      if (!force && this.#queue.length < batchSize) break;
      this.#startBatch(batchSize);
    }
  }

  /** Takes up to `count` spans off the queue and sends them; the promise never rejects. */
  #startBatch(count: number): Promise<void> {
    const batch = this.#queue.splice(0, count);
    const request: Promise<void> = this.#exportBatch(batch)
      .catch((error: unknown) => {
        this.#drop(batch.length, "export failed unexpectedly", error);
      })
      .finally(() => {
        this.#inflight.delete(request);
        if (this.#flushing === 0 && !this.#shutDown) {
          if (this.#queue.length >= this.#getConfig().batchSize) this.#pump(false);
          else if (this.#queue.length > 0 && this.#timer === null) this.#schedule(this.#getConfig().flushIntervalMs);
        }
      });
    this.#inflight.add(request);
    return request;
  }

  #drop(count: number, reason: string, error?: unknown): void {
    this.#droppedSpans += count;
    log.debug(`dropped ${count} span(s): ${reason}`, error);
  }

  async #exportBatch(batch: LiveSpan[]): Promise<void> {
    const config = this.#getConfig();
    const body = encodeExportRequest(batch, exportEnvelope(config));
    let payload: Buffer = Buffer.from(JSON.stringify(body), "utf8");
    const gzipped = config.compression === "gzip";
    if (gzipped) payload = await gzipAsync(payload);

    for (let attempt = 0; ; attempt++) {
      const current = this.#getConfig();
      const result = await this.#post(current, payload, gzipped);
      if (result.status !== null && result.status >= 200 && result.status < 300) return;
      const retryable = result.error !== null || (result.status !== null && RETRYABLE_STATUS.has(result.status));
      const what = result.error !== null ? result.error.message : `HTTP ${String(result.status)} ${result.body.slice(0, 200)}`;
      if (!retryable || this.#shutDown) {
        this.#drop(batch.length, `export to ${current.endpoint} failed: ${what}`);
        return;
      }
      if (attempt >= current.maxRetries) {
        this.#drop(batch.length, `export to ${current.endpoint} failed after ${attempt + 1} attempts: ${what}`);
        return;
      }
      const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
      const delay = result.retryAfterMs ?? backoff;
      if (delay > current.maxRetryDelayMs) {
        this.#drop(batch.length, `Retry-After ${delay} ms exceeds maxRetryDelayMs`);
        return;
      }
      log.debug(`export failed (${what}); retry ${attempt + 1}/${current.maxRetries} in ${Math.round(delay)} ms`);
      await this.#sleep(delay);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleeps.delete(timer);
        resolve();
      }, ms);
      if (this.#flushing === 0) timer.unref();
      this.#sleeps.add(timer);
    });
  }

  #agentFor(protocol: string): http.Agent {
    if (protocol === "https:") return (this.#agents.https ??= new https.Agent({ keepAlive: true, maxSockets: MAX_CONCURRENT_REQUESTS }));
    return (this.#agents.http ??= new http.Agent({ keepAlive: true, maxSockets: MAX_CONCURRENT_REQUESTS }));
  }

  #post(config: Readonly<TracingConfig>, payload: Buffer, gzipped: boolean): Promise<PostResult> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: PostResult): void => {
        if (!settled) {
          settled = true;
          resolve(result);
        }
      };
      const fail = (error: Error): void => finish({ status: null, retryAfterMs: null, error, body: "" });
      let url: URL;
      try {
        url = new URL(config.endpoint);
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported protocol ${url.protocol}`);
      } catch (error) {
        // A bad endpoint will not get better by retrying.
        finish({ status: 0, retryAfterMs: null, error: null, body: `invalid endpoint ${config.endpoint}: ${String(error)}` });
        return;
      }
      const headers: Record<string, string | number> = {};
      for (const [key, value] of Object.entries(config.headers)) {
        const lower = key.toLowerCase();
        if (lower !== "content-type" && lower !== "content-length" && lower !== "content-encoding") headers[key] = value;
      }
      headers["content-type"] = "application/json";
      headers["content-length"] = payload.length;
      if (gzipped) headers["content-encoding"] = "gzip";
      headers["user-agent"] ??= `scorelens-sdk/${SDK_VERSION}`;
      try {
        const transport = url.protocol === "https:" ? https : http;
        const request = transport.request(url, {
          method: "POST",
          headers,
          agent: this.#agentFor(url.protocol),
          timeout: config.exportTimeoutMs,
        });
        request.on("response", (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            if (size < 4096) {
              chunks.push(chunk);
              size += chunk.length;
            }
          });
          response.on("error", fail);
          response.on("end", () => {
            const retryAfterHeader = response.headers["retry-after"];
            finish({
              status: response.statusCode ?? null,
              retryAfterMs: parseRetryAfter(Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader),
              error: null,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          });
        });
        request.on("timeout", () => request.destroy(new Error(`timed out after ${config.exportTimeoutMs} ms`)));
        request.on("error", fail);
        request.end(payload);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
