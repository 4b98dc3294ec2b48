/**
 * Posts an evaluation run to the ScoreLens server (`POST {server}/scorelens/v1/runs`, JSON body
 * `EvalUpload` from protocol/evalUpload.ts) so it shows in the editor's results panel.
 * Never throws: the outcome says whether the server took it.
 */
import http from "node:http";
import https from "node:https";
import type { EvalUpload } from "../../protocol/evalUpload";
import { SDK_VERSION } from "../version";

/** Keep in sync with `EVAL_UPLOAD_PATH` in protocol/evalUpload.ts (the SDK does not load zod modules). */
export const RUNS_PATH = "/scorelens/v1/runs";
const TRACES_PATH = "/v1/traces";

export interface UploadOutcome {
  /** Where the run was posted. */
  url: string;
  /** True when the server answered 2xx. */
  ok: boolean;
  /** The HTTP status, or null when there was no answer. */
  status: number | null;
  /** Why it failed (network error, timeout, HTTP status and body), or null. */
  error: string | null;
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (error.message !== "") return error.message;
  return typeof code === "string" ? code : error.name;
}

/**
 * The runs URL for a server: `serverUrl` when given, else derived from the OTLP traces endpoint by
 * dropping a trailing `/v1/traces` (`http://127.0.0.1:4318/v1/traces` → `http://127.0.0.1:4318/scorelens/v1/runs`).
 */
export function runsUrl(tracesEndpoint: string, serverUrl?: string): string {
  const base = serverUrl ?? tracesEndpoint;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return `${base.replace(/\/+$/, "")}${RUNS_PATH}`;
  }
  let path = url.pathname.replace(/\/+$/, "");
  if (serverUrl === undefined && path.endsWith(TRACES_PATH)) path = path.slice(0, -TRACES_PATH.length);
  return `${url.origin}${path}${RUNS_PATH}`;
}

/** POSTs `body` as JSON to `url` with `headers` (e.g. the OTLP export headers). */
export function uploadRun(url: string, body: EvalUpload, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | null, error: string | null): void => {
      if (settled) return;
      settled = true;
      resolve({ url, ok: error === null, status, error });
    };
    let parsed: URL;
    let payload: Buffer;
    try {
      parsed = new URL(url);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`unsupported protocol ${parsed.protocol}`);
      payload = Buffer.from(JSON.stringify(body), "utf8");
    } catch (error) {
      finish(null, error instanceof Error ? error.message : String(error));
      return;
    }
    const sent: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(headers)) {
      const lower = key.toLowerCase();
      if (lower !== "content-type" && lower !== "content-length" && lower !== "content-encoding") sent[key] = value;
    }
    sent["content-type"] = "application/json";
    sent["content-length"] = payload.length;
    sent["user-agent"] ??= `scorelens-sdk/${SDK_VERSION}`;
    try {
      const transport = parsed.protocol === "https:" ? https : http;
      const request = transport.request(parsed, { method: "POST", headers: sent, timeout: timeoutMs });
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < 4096) {
            chunks.push(chunk);
            size += chunk.length;
          }
        });
        response.on("error", (error) => finish(response.statusCode ?? null, describe(error)));
        response.on("end", () => {
          const status = response.statusCode ?? null;
          if (status !== null && status >= 200 && status < 300) finish(status, null);
          else finish(status, `HTTP ${String(status)} ${Buffer.concat(chunks).toString("utf8").slice(0, 300)}`.trim());
        });
      });
      request.on("timeout", () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      request.on("error", (error) => finish(null, describe(error)));
      request.end(payload);
    } catch (error) {
      finish(null, error instanceof Error ? error.message : String(error));
    }
  });
}
