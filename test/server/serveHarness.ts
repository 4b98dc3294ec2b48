/**
 * Starts the real headless server (`node dist/cli.js serve`) as a child process on 127.0.0.1,
 * runs the other CLI commands, and opens the SQLite file read-only for assertions.
 * Every wait here is bounded in time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import Database from "better-sqlite3";
import type { SpanRecord, TraceSummary } from "../../protocol/model";
import { CLI_JS } from "./lspHarness";

export interface ServeProcess {
  proc: ChildProcess;
  port: number;
  pid: number;
  db: string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** The first stdout line (the `listening` event), parsed. */
  listening: ListeningEvent;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful: flush + close), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
}

export interface ListeningEvent {
  event: "listening";
  port: number;
  endpoint: string;
  db: string;
  pid: number;
}

const running = new Set<ServeProcess>();

/** Stops every server started by {@link startServe} that is still running (for `after` hooks). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop().catch(() => undefined)));
}

function isExited(p: ChildProcess): boolean {
  return p.exitCode !== null || p.signalCode !== null;
}

/**
 * `node dist/cli.js serve --db DB --port PORT ...extra`; resolves once the server printed its
 * `listening` line. Rejects (with stderr) if it exits first or nothing comes within `timeoutMs`.
 */
export async function startServe(
  db: string,
  opts: { port?: number; args?: string[]; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<ServeProcess> {
  if (!fs.existsSync(CLI_JS)) throw new Error(`${CLI_JS} is missing: run the build first`);
  const args = [CLI_JS, "serve", "--db", db, "--port", String(opts.port ?? 0), ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  const errChunks: string[] = [];
  proc.stderr!.setEncoding("utf8");
  proc.stderr!.on("data", (d: string) => errChunks.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const stderr = () => errChunks.join("");

  const listening = await new Promise<ListeningEvent>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`serve printed no listening line within ${opts.timeoutMs ?? 15_000} ms\nstderr:\n${stderr()}`));
    }, opts.timeoutMs ?? 15_000);
    proc.stdout!.setEncoding("utf8");
    const onData = (d: string) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl === -1) return;
      clearTimeout(timer);
      proc.stdout!.off("data", onData);
      proc.stdout!.resume(); // keep draining
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as ListeningEvent);
      } catch (e) {
        reject(new Error(`serve's first stdout line is not JSON: ${buf.slice(0, nl)} (${String(e)})`));
      }
    };
    proc.stdout!.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (code ${code}, signal ${signal}) before listening\nstderr:\n${stderr()}`));
    });
  });

  const s: ServeProcess = {
    proc,
    port: listening.port,
    pid: proc.pid!,
    db,
    stderr,
    listening,
    exited,
    async stop(graceMs = 5000) {
      if (isExited(proc)) {
        running.delete(s);
        return;
      }
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(t);
      running.delete(s);
    },
    async kill9() {
      if (!isExited(proc)) proc.kill("SIGKILL");
      await exited;
      running.delete(s);
    },
  };
  running.add(s);
  return s;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` to completion (killed after `timeoutMs`). */
export function runCli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI_JS, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...(opts.env ?? {}) },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on("data", (d: Buffer) => out.push(d));
    proc.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
    proc.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

export interface TraceJson {
  summary: TraceSummary;
  spans: SpanRecord[];
}

/** `scorelens trace ID --db DB --json`, parsed; throws with stderr when it fails. */
export async function cliTrace(db: string, traceId: string): Promise<TraceJson> {
  const r = await runCli(["trace", traceId, "--db", db, "--json"]);
  if (r.code !== 0) throw new Error(`scorelens trace ${traceId} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as TraceJson;
}

/** `scorelens traces --db DB --json --last N`, parsed. */
export async function cliTraces(db: string, last = 100): Promise<TraceSummary[]> {
  const r = await runCli(["traces", "--db", db, "--json", "--last", String(last)]);
  if (r.code !== 0) throw new Error(`scorelens traces exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as TraceSummary[];
}

/** Opens the store read-only (safe while a server writes to it: WAL). Close it when done. */
export function openReadonly(db: string): Database.Database {
  return new Database(db, { readonly: true, fileMustExist: true, timeout: 10_000 });
}

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One raw HTTP request to 127.0.0.1:port (node:http, so Host/Origin and odd bodies are sent
 * exactly as given). `body` may be a Buffer or a generator of chunks (streamed, with
 * backpressure). Rejects after `timeoutMs`.
 */
export function rawRequest(
  port: number,
  opts: {
    method?: string;
    path?: string;
    headers?: http.OutgoingHttpHeaders;
    body?: Buffer | string | (() => Iterable<Buffer>);
    timeoutMs?: number;
    agent?: http.Agent | false;
  } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      method: opts.method ?? "POST",
      path: opts.path ?? "/v1/traces",
      headers: opts.headers ?? {},
      agent: opts.agent ?? false,
    });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new Error(`request timed out after ${opts.timeoutMs ?? 30_000} ms`));
    }, opts.timeoutMs ?? 30_000);
    let gotResponse = false;
    req.on("response", (res) => {
      gotResponse = true;
      const chunks: Buffer[] = [];
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!req.writableEnded) req.destroy(); // an upload the server stopped reading
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      };
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", done);
      // The server may close the connection right after an early answer (413): keep what came.
      res.on("close", done);
      res.on("error", () => undefined);
    });
    req.on("error", (e) => {
      // After a response arrived, a write error (EPIPE/ECONNRESET on an abandoned upload) is expected.
      if (settled || gotResponse) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    });
    const body = opts.body;
    if (body === undefined) {
      req.end();
    } else if (typeof body === "function") {
      const it = body()[Symbol.iterator]();
      const pump = () => {
        for (;;) {
          if (req.destroyed || settled) return;
          const n = it.next();
          if (n.done) {
            req.end();
            return;
          }
          if (!req.write(n.value)) {
            req.once("drain", pump);
            return;
          }
        }
      };
      pump();
    } else {
      req.end(body);
    }
  });
}

/** Random lowercase hex of `bytes` bytes (never all zeros). */
export function randomHex(bytes: number): string {
  const s = crypto.randomBytes(bytes).toString("hex");
  return /^0+$/.test(s) ? randomHex(bytes) : s;
}
