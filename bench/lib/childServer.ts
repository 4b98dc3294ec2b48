/**
 * Child-process receivers for the ingest benchmarks: starts a command that prints one JSON line
 * `{"event":"listening","port":N,...}` on stdout (as `scorelens serve` does), samples its RSS from
 * /proc, and stops it with SIGTERM (SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { REPO_ROOT, newestSourceMtime } from "./common";

export interface ChildServer {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Last lines of stderr, for error messages. */
  stderrTail(): string;
  stop(graceMs?: number): Promise<number | null>;
}

export interface StartOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the "listening" line. */
  timeoutMs?: number;
  label: string;
}

export function startChildServer(opts: StartOptions): Promise<ChildServer> {
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  const tail = () => stderr.join("").split("\n").slice(-15).join("\n");
  let exited: number | null | undefined;
  const exitPromise = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      exited = code;
      resolve(code);
    }),
  );

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${opts.label}: no "listening" line within ${opts.timeoutMs ?? 60_000} ms\n${tail()}`));
    }, opts.timeoutMs ?? 60_000);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exitPromise.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.label} exited with code ${code} before listening\n${tail()}`));
    });
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      if (!line.startsWith("{")) return;
      let msg: { event?: unknown; port?: unknown };
      try {
        msg = JSON.parse(line) as { event?: unknown; port?: unknown };
      } catch {
        return;
      }
      if (msg.event !== "listening" || typeof msg.port !== "number") return;
      clearTimeout(timer);
      const port = msg.port;
      resolve({
        child,
        pid: child.pid ?? -1,
        port,
        stderrTail: tail,
        async stop(graceMs = 15_000) {
          if (exited !== undefined) return exited;
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          const code = await exitPromise;
          clearTimeout(killer);
          return code;
        },
      });
    });
  });
}

/** `node dist/cli.js serve --db DB --port 0`, with extra node flags (e.g. --cpu-prof). */
export function startScoreLens(dbPath: string, nodeFlags: string[] = []): Promise<ChildServer> {
  const cli = path.join(REPO_ROOT, "dist/cli.js");
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs\` first`);
  return startChildServer({
    command: process.execPath,
    args: [...nodeFlags, cli, "serve", "--db", dbPath, "--port", "0"],
    label: "scorelens serve",
  });
}

/** A warning when dist/cli.js is older than the server sources (the benchmark would measure stale code). */
export function staleBuildWarning(): string | null {
  const cli = path.join(REPO_ROOT, "dist/cli.js");
  if (!fs.existsSync(cli)) return null;
  const built = fs.statSync(cli).mtimeMs;
  const newest = Math.max(newestSourceMtime(path.join(REPO_ROOT, "server")), newestSourceMtime(path.join(REPO_ROOT, "protocol")));
  return newest > built ? "dist/cli.js is older than server/ or protocol/ sources: run `node scripts/build.mjs` to measure the current code" : null;
}

export interface RssStats {
  samples: number;
  minBytes: number;
  maxBytes: number;
  lastBytes: number;
  /** RSS at 10%, 20%, … 100% of the sampled period (to see whether it plateaus). */
  decilesBytes: number[];
}

/** Samples VmRSS of `pid` from /proc every `intervalMs` (Linux only; empty stats elsewhere). */
export class RssSampler {
  private readonly values: number[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  static read(pid: number): number | null {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return m ? Number(m[1]) * 1024 : null;
    } catch {
      return null;
    }
  }

  start(): this {
    const tick = () => {
      const v = RssSampler.read(this.pid);
      if (v !== null) this.values.push(v);
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    return this;
  }

  stop(): RssStats {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const v = RssSampler.read(this.pid);
    if (v !== null) this.values.push(v);
    return {
      samples: this.values.length,
      minBytes: this.values.length ? Math.min(...this.values) : NaN,
      maxBytes: this.values.length ? Math.max(...this.values) : NaN,
      lastBytes: this.values[this.values.length - 1] ?? NaN,
      decilesBytes: Array.from({ length: 10 }, (_, k) => this.values[Math.min(this.values.length - 1, Math.round(((k + 1) * this.values.length) / 10) - 1)] ?? NaN),
    };
  }
}
