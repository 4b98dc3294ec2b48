/**
 * POST /scorelens/v1/runs: an evaluation run from the SDK's evaluate(), as JSON (optionally
 * gzip). 200 {runId} once stored; 400 with what is wrong for a body that isn't a valid run; 405,
 * 413 and 415 as for traces. Origin checks happened before (see otlpHttpServer.ts).
 */
import type http from "node:http";
import zlib from "node:zlib";
import { log } from "../log";
import type { ReceiverStats } from "./otlpHttpServer";

function reply(res: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function receiveRunUpload(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  upload: (body: unknown) => { runId: string },
  maxBodyBytes: number,
  stats: ReceiverStats,
): void {
  const fail = (status: number, message: string) => {
    stats.badRequests++;
    reply(res, status, { error: message });
  };
  if (req.method !== "POST") {
    req.resume();
    res.setHeader("allow", "POST");
    return fail(405, `method ${req.method ?? ""} not allowed; POST an evaluation run as JSON`);
  }
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    req.resume();
    return fail(415, `unsupported content type "${req.headers["content-type"] ?? ""}": send application/json`);
  }
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  if (encoding !== "identity" && encoding !== "gzip") {
    req.resume();
    return fail(415, `unsupported content encoding "${encoding}": use gzip or none`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on("data", (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > maxBodyBytes) {
      done = true;
      chunks.length = 0;
      req.resume();
      return fail(413, `evaluation run body exceeds ${maxBodyBytes} bytes`);
    }
    chunks.push(chunk);
  });
  req.on("error", (err) => {
    done = true;
    log.warn(`evaluation upload aborted: ${err.message}`);
  });
  req.on("end", () => {
    if (done) return;
    done = true;
    let text: string;
    try {
      const raw = Buffer.concat(chunks);
      text = (encoding === "gzip" ? zlib.gunzipSync(raw, { maxOutputLength: maxBodyBytes }) : raw).toString("utf8");
    } catch (e) {
      return fail(400, `could not decompress the body: ${e instanceof Error ? e.message : String(e)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return fail(400, `the body is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      const { runId } = upload(body);
      stats.accepted++;
      reply(res, 200, { runId });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof Error && e.name === "EvalUploadError") return fail(400, message);
      log.error("storing an evaluation run failed:", e);
      return fail(500, `the run could not be stored: ${message}`);
    }
  });
}
