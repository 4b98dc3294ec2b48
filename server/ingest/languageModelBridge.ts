/**
 * The VS Code Language Model bridge (protocol/languageModel.ts): `POST /scorelens/v1/lm/chat`
 * from judges in scorer workers (or any SDK process the server started), forwarded to the editor
 * that started this server as the LSP request `scorelens/languageModel/chat`.
 *
 * It has its own listener on 127.0.0.1 (an ephemeral port), not the OTLP receiver's: that one
 * exists only in the server that owns the database (an attached second window has none, and the
 * owner's receiver would reach the *other* window's editor), it binds only after the store opened,
 * and its port can change on takeover; workers copy the environment when they start, so the URL
 * must be known and stable before any pool exists. The bridge starts in `initialize`.
 *
 * Guards: the Host must be loopback and no browser Origin is accepted (requestGuards.ts); the
 * `x-scorelens-lm-token` header must equal a random 32-byte token (compared in constant time);
 * bodies are JSON validated with zod; 400 names what is wrong, 401 for a bad token, 413 for an
 * oversize body. The editor's errors come back as `{error:{code,message}}` with LM_ERROR_STATUS.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError, type Connection } from "vscode-languageserver/node";
import { formatZodError } from "../../protocol/descriptors";
import {
  LanguageModelChatOutcome,
  LanguageModelChatParams,
  LanguageModelChatRequest,
  LM_BRIDGE_PATH,
  LM_BRIDGE_TOKEN_ENV,
  LM_BRIDGE_URL_ENV,
  LM_ERROR_STATUS,
  LM_TOKEN_HEADER,
  type LanguageModelErrorCode,
} from "../../protocol/languageModel";
import { log } from "../log";
import { checkRequestOrigin } from "./requestGuards";

/** Whoever can run chat messages on VS Code's models: the editor, over LSP. */
export interface LanguageModelHost {
  chat(params: LanguageModelChatParams, signal: AbortSignal): Promise<LanguageModelChatOutcome>;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: http.ServerResponse, code: LanguageModelErrorCode, message: string, status = LM_ERROR_STATUS[code]): void {
  reply(res, status, { error: { code, message } });
}

function digest(text: string): Buffer {
  return crypto.createHash("sha256").update(text, "utf8").digest();
}

/** Constant-time comparison (of digests, so lengths never leak either). */
export function tokenMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== "string" || presented === "") return false;
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}

export interface BridgeRouteDeps {
  host: LanguageModelHost;
  token: string;
  maxBodyBytes: number;
}

/** Serves one request to the bridge's path (any other path is a 404). */
export function handleLanguageModelRequest(req: http.IncomingMessage, res: http.ServerResponse, deps: BridgeRouteDeps): void {
  const guard = checkRequestOrigin({ host: req.headers.host, origin: req.headers.origin }, []);
  if (!guard.ok) {
    req.resume();
    return fail(res, "unauthorized", guard.message, guard.status);
  }
  const url = (req.url ?? "/").split("?")[0];
  if (url !== LM_BRIDGE_PATH) {
    req.resume();
    return fail(res, "bad-request", `not found: ${url ?? ""} (the language model bridge serves POST ${LM_BRIDGE_PATH})`, 404);
  }
  if (req.method !== "POST") {
    req.resume();
    res.setHeader("allow", "POST");
    return fail(res, "bad-request", `method ${req.method ?? ""} not allowed; POST chat messages as JSON`, 405);
  }
  if (!tokenMatches(req.headers[LM_TOKEN_HEADER], deps.token)) {
    req.resume();
    return fail(res, "unauthorized", `missing or wrong ${LM_TOKEN_HEADER} header`);
  }
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    req.resume();
    return fail(res, "bad-request", `unsupported content type "${req.headers["content-type"] ?? ""}": send application/json`, 415);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on("data", (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > deps.maxBodyBytes) {
      done = true;
      chunks.length = 0;
      req.resume();
      return fail(res, "bad-request", `the body is larger than ${deps.maxBodyBytes} bytes`, 413);
    }
    chunks.push(chunk);
  });
  req.on("error", (err) => {
    done = true;
    log.warn(`language model request aborted: ${err.message}`);
  });
  req.on("end", () => {
    if (done) return;
    done = true;
    void answer(Buffer.concat(chunks).toString("utf8"), res, deps.host);
  });
}

async function answer(text: string, res: http.ServerResponse, host: LanguageModelHost): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(res, "bad-request", `the body is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = LanguageModelChatParams.safeParse(json);
  if (!parsed.success) return fail(res, "bad-request", `invalid language model request: ${formatZodError(parsed.error)}`);
  // The judge gave up (timeout, process exit): cancel the editor's request too.
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort();
  };
  res.on("close", onClose);
  try {
    const outcome = await host.chat(parsed.data, controller.signal);
    if (outcome.ok) reply(res, 200, outcome.answer);
    else fail(res, outcome.error.code, outcome.error.message);
  } catch (e) {
    log.error("the language model bridge failed:", e);
    fail(res, "internal", `the language model bridge failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    res.off("close", onClose);
  }
}

/** The bridge's own loopback listener. */
export class LanguageModelBridge {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(host: LanguageModelHost, opts: { maxBodyBytes?: number } = {}): Promise<LanguageModelBridge> {
    const token = crypto.randomBytes(32).toString("base64url");
    const deps: BridgeRouteDeps = { host, token, maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };
    const server = http.createServer((req, res) => handleLanguageModelRequest(req, res, deps));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (e) => log.error("language model bridge listener:", e));
    const { port } = server.address() as AddressInfo;
    return new LanguageModelBridge(server, `http://127.0.0.1:${port}${LM_BRIDGE_PATH}`, token);
  }

  /** What judges read (sdk/judges/vscodeProvider.ts). Set it before any worker starts. */
  env(): Record<string, string> {
    return { [LM_BRIDGE_URL_ENV]: this.url, [LM_BRIDGE_TOKEN_ENV]: this.token };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The editor as the host: the LSP request `scorelens/languageModel/chat`, its answer validated. */
export function lspLanguageModelHost(connection: Pick<Connection, "sendRequest">): LanguageModelHost {
  return {
    async chat(params, signal) {
      const cancel = new CancellationTokenSource();
      const onAbort = (): void => cancel.cancel();
      signal.addEventListener("abort", onAbort);
      try {
        const raw: unknown = await connection.sendRequest(LanguageModelChatRequest.method, params, cancel.token);
        const parsed = LanguageModelChatOutcome.safeParse(raw);
        if (parsed.success) return parsed.data;
        return { ok: false, error: { code: "internal", message: `the editor sent an invalid language model answer: ${formatZodError(parsed.error)}` } };
      } catch (e) {
        if (e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound) {
          return { ok: false, error: { code: "no-editor", message: "the editor does not answer language model requests (is the ScoreLens extension up to date?)" } };
        }
        if (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled) return { ok: false, error: { code: "cancelled", message: "the language model request was cancelled" } };
        return { ok: false, error: { code: "no-editor", message: `the editor did not answer: ${e instanceof Error ? e.message : String(e)}` } };
      } finally {
        signal.removeEventListener("abort", onAbort);
        cancel.dispose();
      }
    },
  };
}
