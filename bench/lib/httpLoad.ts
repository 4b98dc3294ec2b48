/**
 * N concurrent OTLP/HTTP exporters over keep-alive connections: each takes the next body from a
 * shared list and POSTs it, waiting for the answer before sending the next (as the OTel batch
 * exporter does per connection). 503/429 are retried after Retry-After (capped), like real
 * exporters; other non-2xx answers fail the run. Bounded by the body list and a deadline.
 */
import http from "node:http";
import type { EncodedRequest } from "./genaiTraces";

export interface LoadOptions {
  port: number;
  path?: string;
  concurrency: number;
  requests: readonly EncodedRequest[];
  contentType?: string;
  /** Stop starting new requests after this many ms (requests in flight still finish). */
  deadlineMs?: number;
  /** Longest wait honoured for a Retry-After. */
  maxRetryDelayMs?: number;
}

export interface LoadResult {
  elapsedMs: number;
  requestsOk: number;
  spansOk: number;
  retries: number;
  /** Per-request latency (send → full answer), ms. */
  latenciesMs: number[];
  stoppedByDeadline: boolean;
}

interface PostAnswer {
  status: number;
  retryAfterMs: number | null;
  body: string;
}

function post(agent: http.Agent, port: number, path: string, contentType: string, body: Buffer): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent,
        headers: { "content-type": contentType, "content-length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ra = res.headers["retry-after"];
          const retryAfterMs = ra === undefined ? null : Number(ra) * 1000;
          resolve({ status: res.statusCode ?? 0, retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : null, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error("request timed out after 120 s")));
    req.on("error", reject);
    req.end(body);
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const path = opts.path ?? "/v1/traces";
  const contentType = opts.contentType ?? "application/x-protobuf";
  const maxRetryDelay = opts.maxRetryDelayMs ?? 1000;
  const latencies: number[] = [];
  let next = 0;
  let requestsOk = 0;
  let spansOk = 0;
  let retries = 0;
  let stoppedByDeadline = false;
  const t0 = performance.now();

  const worker = async () => {
    for (;;) {
      if (opts.deadlineMs !== undefined && performance.now() - t0 > opts.deadlineMs) {
        if (next < opts.requests.length) stoppedByDeadline = true;
        return;
      }
      const idx = next++;
      const req = opts.requests[idx];
      if (req === undefined) return;
      for (let attempt = 0; ; attempt++) {
        const s0 = performance.now();
        const ans = await post(agent, opts.port, path, contentType, req.body);
        if (ans.status >= 200 && ans.status < 300) {
          latencies.push(performance.now() - s0);
          requestsOk++;
          spansOk += req.spanCount;
          break;
        }
        if ((ans.status === 503 || ans.status === 429) && attempt < 20) {
          retries++;
          await new Promise((r) => setTimeout(r, Math.min(ans.retryAfterMs ?? 100, maxRetryDelay)));
          continue;
        }
        throw new Error(`request ${idx} failed: HTTP ${ans.status} ${ans.body.slice(0, 300)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { elapsedMs: performance.now() - t0, requestsOk, spansOk, retries, latenciesMs: latencies, stoppedByDeadline };
}
