/** Starts the real built server (dist/server.js) as a child process and talks LSP to it over stdio. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { ServerStatus } from "../../protocol/status";
import type { ServerInitOptions } from "../../protocol/settings";

export const ROOT = path.resolve(__dirname, "../..");
export const SERVER_JS = path.join(ROOT, "dist/server.js");
export const CLI_JS = path.join(ROOT, "dist/cli.js");

export function tmpDir(prefix = "scorelens-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface LspServer {
  proc: ChildProcess;
  conn: MessageConnection;
  statuses: ServerStatus[];
  stderr: string[];
  waitForStatus(pred: (s: ServerStatus) => boolean, timeoutMs?: number): Promise<ServerStatus>;
  stop(): Promise<void>;
}

export function initOptions(dbPath: string, over: Partial<ServerInitOptions> = {}): ServerInitOptions {
  return {
    dbPath,
    otlpPort: 0,
    maxBodyBytes: 64 * 1024 * 1024,
    allowedOrigins: [],
    retentionMaxAgeDays: 0,
    retentionMaxDatabaseMB: 0,
    workspaceFolders: [],
    trusted: true,
    scorerLastN: 100,
    scorerTimeoutMs: 30_000,
    scorerMemoryLimitMB: 512,
    maxActiveScorers: 20,
    judgeBaseUrl: null,
    judgeModel: null,
    judgeApiKey: null,
    judgeMaxConcurrency: 4,
    ...over,
  };
}

export async function startLspServer(options: ServerInitOptions): Promise<LspServer> {
  if (!fs.existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run the build first`);
  const proc = spawn(process.execPath, [SERVER_JS, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  const stderr: string[] = [];
  proc.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const statuses: ServerStatus[] = [];
  const waiters: Array<() => void> = [];
  conn.onNotification("scorelens/status", (raw: unknown) => {
    statuses.push(ServerStatus.parse(raw));
    for (const w of waiters.splice(0)) w();
  });
  conn.onNotification("window/logMessage", (p: { message: string }) => stderr.push(p.message + "\n"));
  conn.listen();
  await conn.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: options });
  await conn.sendNotification("initialized", {});

  const waitForStatus = async (pred: (s: ServerStatus) => boolean, timeoutMs = 20_000): Promise<ServerStatus> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = statuses.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`no matching status within ${timeoutMs} ms; got ${JSON.stringify(statuses.map((s) => s.health))}\n${stderr.join("")}`);
      }
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };

  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    try {
      await Promise.race([conn.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 3000))]);
      await conn.sendNotification("exit");
    } catch {
      // already gone
    }
    const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
    conn.dispose();
  };

  return { proc, conn, statuses, stderr, waitForStatus, stop };
}

/** A minimal OTLP/JSON body with one trace: a root AGENT span and a child LLM span. */
export function sampleOtlpJson(traceId: string, opts: { rootName?: string; error?: boolean } = {}): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (spanId: string, parent: string, name: string, attrs: Array<[string, unknown]>, startOff: bigint, endOff: bigint) => ({
    traceId,
    spanId,
    parentSpanId: parent,
    name,
    kind: 1,
    startTimeUnixNano: String(now + startOff),
    endTimeUnixNano: String(now + endOff),
    attributes: attrs.map(([key, v]) => ({
      key,
      value: typeof v === "number" ? { intValue: String(v) } : { stringValue: String(v) },
    })),
    status: { code: opts.error ? 2 : 1 },
  });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "test-app" } }] },
        scopeSpans: [
          {
            scope: { name: "test" },
            spans: [
              span("1111111111111111", "", opts.rootName ?? "agent", [["openinference.span.kind", "AGENT"], ["input.value", "hello"], ["output.value", "world"]], 0n, 5_000_000n),
              span("2222222222222222", "1111111111111111", "llm", [
                ["openinference.span.kind", "LLM"],
                ["llm.model_name", "gpt-test"],
                ["llm.token_count.prompt", 10],
                ["llm.token_count.completion", 5],
              ], 1_000_000n, 4_000_000n),
            ],
          },
        ],
      },
    ],
  });
}

export async function postJson(port: number, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}
