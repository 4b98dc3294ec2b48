/**
 * The SDK's HTTP routes for registered scorers, monitoring and backfill (listed in
 * protocol/monitoring.ts), served by the OTLP receiver. Bodies are JSON, validated with the same
 * zod schemas as the LSP requests.
 */
import type http from "node:http";
import type { z } from "zod";
import {
  CancelBackfillRequest,
  RegisterScorerRequest,
  StartBackfillRequest,
  StartScorerRequest,
  UpdateScorerRequest,
} from "../../protocol/monitoring";
import { formatZodError } from "../../protocol/descriptors";
import { log } from "../log";
import { MonitoringError } from "./registry";
import type { MonitoringService } from "./service";

export interface MonitoringHttpRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** Parsed JSON body, or undefined without one. */
  body: unknown;
}

export interface MonitoringHttpReply {
  status: number;
  body: unknown;
}

export type MonitoringHttpApi = (req: MonitoringHttpRequest) => Promise<MonitoringHttpReply>;

const STATUS: Readonly<Record<MonitoringError["code"], number>> = { invalid: 400, "not-found": 404, limit: 409, build: 422 };

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new MonitoringError(`invalid body: ${formatZodError(r.error)}`, "invalid");
  return r.data;
}

export function monitoringHttpApi(svc: MonitoringService): MonitoringHttpApi {
  const route = async (req: MonitoringHttpRequest): Promise<MonitoringHttpReply> => {
    const parts = req.path.split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p)); // scorelens v1 kind [id] [action]
    const [, , kind, id, action] = parts;
    const m = req.method;
    const ok = (body: unknown): MonitoringHttpReply => ({ status: 200, body });
    if (kind === "monitoring" && m === "GET" && id === undefined) return ok(svc.snapshot());
    if (kind === "scorers") {
      if (id === undefined && m === "GET") return ok({ scorers: svc.registry.list() });
      if (id === undefined && m === "POST") return ok(await svc.register(parse(RegisterScorerRequest.params, req.body)));
      if (id !== undefined && action === undefined && m === "GET") {
        const s = svc.registry.get(id);
        return s ? ok(s) : { status: 404, body: { error: `no registered scorer named "${id}"`, code: "not-found" } };
      }
      if (id !== undefined && action === undefined && m === "DELETE") return ok({ deleted: svc.mutate((r) => r.delete(id)) });
      if (id !== undefined && m === "POST" && action === "start") {
        const p = parse(StartScorerRequest.params, { ...(req.body as object), name: id });
        return ok(svc.mutate((r) => r.start(id, p.sampleRate, p.filterString)));
      }
      if (id !== undefined && m === "POST" && action === "update") {
        const p = parse(UpdateScorerRequest.params, { ...(req.body as object), name: id });
        return ok(svc.mutate((r) => r.update(id, { sampleRate: p.sampleRate, filterString: p.filterString })));
      }
      if (id !== undefined && m === "POST" && action === "stop") return ok(svc.mutate((r) => r.stop(id)));
    }
    if (kind === "backfills") {
      if (id === undefined && m === "POST") return ok(svc.startBackfill(parse(StartBackfillRequest.params, req.body)));
      if (id !== undefined && action === undefined && m === "GET") {
        const job = svc.backfills.get(id);
        return job ? ok(job) : { status: 404, body: { error: `no backfill job ${id}`, code: "not-found" } };
      }
      if (id !== undefined && action === "cancel" && m === "POST") {
        const job = svc.backfills.cancel(parse(CancelBackfillRequest.params, { jobId: id }).jobId);
        return job ? ok(job) : { status: 404, body: { error: `no backfill job ${id}`, code: "not-found" } };
      }
    }
    return { status: 404, body: { error: `no route ${m} ${req.path}`, code: "not-found" } };
  };
  return async (req) => {
    try {
      return await route(req);
    } catch (e) {
      if (MonitoringError.is(e)) return { status: STATUS[e.code], body: { error: e.message, code: e.code } };
      log.error(`${req.method} ${req.path} failed:`, e);
      return { status: 500, body: { error: e instanceof Error ? e.message : String(e), code: "internal" } };
    }
  };
}

/** Reads a JSON body (bounded), calls the API and writes its reply. Origin checks happened before. */
export function receiveMonitoringRequest(req: http.IncomingMessage, res: http.ServerResponse, api: MonitoringHttpApi, maxBodyBytes: number): void {
  const reply = (status: number, body: unknown) => {
    if (res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on("data", (c: Buffer) => {
    if (failed) return;
    size += c.length;
    if (size > maxBodyBytes) {
      failed = true;
      reply(413, { error: `body exceeds ${maxBodyBytes} bytes`, code: "invalid" });
      return;
    }
    chunks.push(c);
  });
  req.on("end", () => {
    if (failed) return;
    const text = Buffer.concat(chunks).toString("utf8").trim();
    let body: unknown;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch (e) {
        return reply(400, { error: `the body is not JSON: ${e instanceof Error ? e.message : String(e)}`, code: "invalid" });
      }
    }
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    void api({ method: req.method ?? "GET", path, body }).then((r) => reply(r.status, r.body));
  });
  req.on("error", () => undefined);
}
