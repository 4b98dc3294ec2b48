/**
 * The OTLP/HTTP trace receiver: POST /v1/traces with application/x-protobuf or application/json,
 * optionally gzip/deflate-encoded. Replies in the request's content type, with partialSuccess
 * for rejected spans; 400 names what was malformed, 413 for oversize bodies, 415 for unknown
 * content types/encodings, 403 for cross-site requests, 503 + Retry-After when the write queue
 * is full. The HTTP 200 is sent only after the spans are committed.
 */
import http from "node:http";
import zlib from "node:zlib";
import type { RawSpan } from "../../protocol/model";
import { log } from "../log";
import { decodeOtlpJson, encodeExportResponseJson } from "../wire/otlpJson";
import { decodeOtlpProtobuf, encodeExportResponseProtobuf, encodeRpcStatusProtobuf } from "../wire/otlpProtobuf";
import { WireFormatError } from "../wire/wireFormatError";
import { QueueFullError } from "../store/spanWriter";
import { bodyFormat, checkRequestOrigin } from "./requestGuards";
import { EVAL_UPLOAD_PATH } from "../../protocol/evalUpload";
import { receiveRunUpload } from "./runUpload";
import { isMonitoringPath } from "../../protocol/monitoring";
import { receiveMonitoringRequest, type MonitoringHttpReply, type MonitoringHttpRequest } from "../monitoring/httpRoutes";

export const OTLP_TRACES_PATH = "/v1/traces";

export interface ReceiverOptions {
  maxBodyBytes: number;
  allowedOrigins: readonly string[];
  /** Total bytes of request bodies buffered at once, across requests, before answering 503. */
  maxInflightBytes?: number;
}

export interface ReceiverSink {
  hasRoomFor(spanCount: number): boolean;
  /** Stores the spans; resolves after commit. May throw QueueFullError. */
  ingest(spans: RawSpan[]): Promise<{ inserted: number; duplicates: number }>;
  /** A small JSON-able health object for GET /health. */
  health(): Record<string, unknown>;
  /** Stores an evaluation run uploaded by the SDK's evaluate() (POST /scorelens/v1/runs); throws EvalUploadError for a bad body. */
  uploadRun?(body: unknown): { runId: string };
  /** Registered scorers, monitoring and backfill for the SDK (/scorelens/v1/scorers…, see protocol/monitoring.ts). */
  monitoring?(req: MonitoringHttpRequest): Promise<MonitoringHttpReply>;
}

export interface ReceiverStats {
  requests: number;
  accepted: number;
  rejectedSpans: number;
  badRequests: number;
}

type Format = "protobuf" | "json";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

/** gRPC status codes used in google.rpc.Status bodies. */
const RPC_CODE: Record<number, number> = { 400: 3, 403: 7, 404: 5, 405: 12, 413: 8, 415: 3, 500: 13, 503: 14 };

export function createOtlpReceiver(sink: ReceiverSink, opts: ReceiverOptions): { server: http.Server; stats: ReceiverStats } {
  const stats: ReceiverStats = { requests: 0, accepted: 0, rejectedSpans: 0, badRequests: 0 };
  const maxInflight = opts.maxInflightBytes ?? Math.max(4 * opts.maxBodyBytes, 256 * 1024 * 1024);
  let inflight = 0;

  const server = http.createServer((req, res) => {
    stats.requests++;
    const format: Format = bodyFormat(req.headers["content-type"]) ?? "json";
    const fail = (e: HttpError) => {
      stats.badRequests++;
      sendError(res, format, e);
    };

    const guard = checkRequestOrigin({ host: req.headers.host, origin: req.headers.origin }, opts.allowedOrigins);
    if (!guard.ok) {
      req.resume();
      return fail(new HttpError(guard.status, guard.message));
    }
    const url = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && (url === "/health" || url === "/")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ service: "scorelens", ...sink.health() }));
      return;
    }
    if (url === EVAL_UPLOAD_PATH && sink.uploadRun) {
      receiveRunUpload(req, res, sink.uploadRun.bind(sink), opts.maxBodyBytes, stats);
      return;
    }
    if (url !== undefined && isMonitoringPath(url) && sink.monitoring) {
      receiveMonitoringRequest(req, res, sink.monitoring.bind(sink), opts.maxBodyBytes);
      return;
    }
    if (url !== OTLP_TRACES_PATH) {
      req.resume();
      return fail(new HttpError(404, `not found: ${url ?? ""} (send traces to POST ${OTLP_TRACES_PATH})`));
    }
    if (req.method !== "POST") {
      req.resume();
      res.setHeader("allow", "POST");
      return fail(new HttpError(405, `method ${req.method ?? ""} not allowed on ${OTLP_TRACES_PATH}; use POST`));
    }
    const declared = bodyFormat(req.headers["content-type"]);
    if (declared === null) {
      req.resume();
      return fail(
        new HttpError(
          415,
          `unsupported content type "${req.headers["content-type"] ?? ""}": send application/x-protobuf or application/json`,
        ),
      );
    }
    const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
    if (encoding !== "identity" && encoding !== "gzip" && encoding !== "deflate") {
      req.resume();
      return fail(new HttpError(415, `unsupported content encoding "${encoding}": use gzip, deflate or none`));
    }
    const declaredLength = Number(req.headers["content-length"] ?? NaN);
    if (Number.isFinite(declaredLength) && declaredLength > opts.maxBodyBytes) {
      return rejectOversize(req, res, format, opts.maxBodyBytes, stats);
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const release = () => {
      inflight -= size;
      size = 0;
    };
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      inflight += chunk.length;
      if (size > opts.maxBodyBytes) {
        done = true;
        release();
        chunks.length = 0;
        return rejectOversize(req, res, format, opts.maxBodyBytes, stats);
      }
      if (inflight > maxInflight) {
        done = true;
        release();
        chunks.length = 0;
        req.resume();
        return fail(new HttpError(503, "receiver is busy (too many request bytes in flight); retry shortly", 1));
      }
      chunks.push(chunk);
    });
    req.on("error", (err) => {
      if (done) return;
      done = true;
      release();
      log.warn(`OTLP request aborted: ${err.message}`);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks, size);
      chunks.length = 0;
      handleBody(raw, encoding, declared)
        .then((r) => {
          stats.accepted += r.inserted + r.duplicates;
          stats.rejectedSpans += r.rejected;
          sendSuccess(res, declared, r.rejected, r.errorMessage);
        })
        .catch((e: unknown) => {
          if (e instanceof HttpError) return fail(e);
          if (QueueFullError.is(e)) return fail(new HttpError(503, e.message, 1));
          log.error("OTLP ingest failed:", e);
          fail(new HttpError(500, `could not store spans: ${e instanceof Error ? e.message : String(e)}`));
        })
        .finally(release);
    });
  });

  async function handleBody(
    raw: Buffer,
    encoding: string,
    format: Format,
  ): Promise<{ inserted: number; duplicates: number; rejected: number; errorMessage: string }> {
    let body: Buffer = raw;
    if (encoding !== "identity") {
      try {
        body = await inflate(raw, encoding, opts.maxBodyBytes);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "ERR_BUFFER_TOO_LARGE" || /Cannot create a Buffer larger/.test(err.message)) {
          throw new HttpError(413, `decompressed body is larger than the limit of ${opts.maxBodyBytes} bytes`);
        }
        throw new HttpError(400, `invalid ${encoding} body: ${err.message}`);
      }
    }
    let decoded;
    try {
      decoded = format === "protobuf" ? decodeOtlpProtobuf(body) : decodeOtlpJson(body.toString("utf8"));
    } catch (e) {
      if (WireFormatError.is(e)) throw new HttpError(400, e.message);
      throw e;
    }
    if (!sink.hasRoomFor(decoded.spans.length)) {
      throw new QueueFullError(0, 0);
    }
    const w = await sink.ingest(decoded.spans);
    const errorMessage = decoded.errors.slice(0, 10).join("; ") + (decoded.errors.length > 10 ? `; and ${decoded.errors.length - 10} more` : "");
    if (decoded.rejected > 0) log.warn(`OTLP: rejected ${decoded.rejected} span(s): ${errorMessage}`);
    return { ...w, rejected: decoded.rejected, errorMessage };
  }

  return { server, stats };
}

function inflate(raw: Buffer, encoding: string, maxOutputLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, out: Buffer) => (err ? reject(err) : resolve(out));
    if (encoding === "gzip") zlib.gunzip(raw, { maxOutputLength }, cb);
    else zlib.inflate(raw, { maxOutputLength }, cb);
  });
}

function rejectOversize(req: http.IncomingMessage, res: http.ServerResponse, format: Format, limit: number, stats: ReceiverStats): void {
  stats.badRequests++;
  sendError(res, format, new HttpError(413, `request body is larger than the limit of ${limit} bytes (scorelens.otlp.maxBodyBytes)`));
  // Discard (don't buffer) the rest for a moment, so a client that is still sending can read the
  // 413 instead of getting EPIPE; then cut the connection.
  req.removeAllListeners("data");
  req.resume();
  setTimeout(() => req.destroy(), 2000).unref();
}

function sendSuccess(res: http.ServerResponse, format: Format, rejected: number, errorMessage: string): void {
  if (res.headersSent) return;
  const partial = rejected > 0 ? { rejectedSpans: rejected, errorMessage } : null;
  if (format === "protobuf") {
    const body = encodeExportResponseProtobuf(partial ?? { rejectedSpans: 0, errorMessage: "" });
    res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": body.byteLength });
    res.end(body);
  } else {
    const body = JSON.stringify(encodeExportResponseJson(partial ?? { rejectedSpans: 0, errorMessage: "" }));
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }
}

function sendError(res: http.ServerResponse, format: Format, e: HttpError): void {
  if (res.headersSent) return;
  const headers: http.OutgoingHttpHeaders = {};
  if (e.retryAfterSec !== undefined) headers["retry-after"] = String(e.retryAfterSec);
  const code = RPC_CODE[e.status] ?? 2;
  if (format === "protobuf") {
    const body = encodeRpcStatusProtobuf(code, e.message);
    res.writeHead(e.status, { ...headers, "content-type": "application/x-protobuf", "content-length": body.byteLength });
    res.end(body);
  } else {
    const body = JSON.stringify({ code, message: e.message });
    res.writeHead(e.status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }
}
