/**
 * A private copy of the built product (dist/cli.js, dist/scorerWorker.js, dist/sdk/) for a long
 * benchmark: other people rebuild dist/ in this tree while benchmarks run, and a server that starts
 * a scorer worker or bundles a scorer while dist/ is being rewritten fails. The copy sits in a temp
 * folder; its bare imports (better-sqlite3, esbuild…) resolve from the repository's node_modules
 * through NODE_PATH (set for child servers, and in this process for the worker threads it starts).
 */
import fs from "node:fs";
import path from "node:path";
import { startChildServer, type ChildServer } from "./childServer";
import { REPO_ROOT, makeTmpDir, rmTmpDir, sleep } from "./common";

export interface DistSnapshot {
  dir: string;
  cli: string;
  workerScript: string;
  sdkEntry: string;
  /** mtime of the dist/cli.js copied. */
  builtMs: number;
  dispose(): void;
}

const FILES = ["cli.js", "scorerWorker.js", "sdk/index.js"];

/** Copies dist/ (retrying while a concurrent build has it half written). */
export async function snapshotDist(): Promise<DistSnapshot> {
  const src = path.join(REPO_ROOT, "dist");
  const dir = makeTmpDir("dist");
  for (let attempt = 0; ; attempt++) {
    try {
      const missing = FILES.filter((f) => !fs.existsSync(path.join(src, f)));
      if (missing.length > 0) throw new Error(`dist/ lacks ${missing.join(", ")}: run \`node scripts/build.mjs\` first`);
      const builtMs = fs.statSync(path.join(src, "cli.js")).mtimeMs;
      fs.copyFileSync(path.join(src, "cli.js"), path.join(dir, "cli.js"));
      fs.copyFileSync(path.join(src, "scorerWorker.js"), path.join(dir, "scorerWorker.js"));
      fs.cpSync(path.join(src, "sdk"), path.join(dir, "sdk"), { recursive: true });
      if (fs.statSync(path.join(src, "cli.js")).mtimeMs !== builtMs) throw new Error("dist/ changed while it was copied");
      process.env.NODE_PATH = nodePath(); // worker threads of this process read it when they start
      return {
        dir,
        cli: path.join(dir, "cli.js"),
        workerScript: path.join(dir, "scorerWorker.js"),
        sdkEntry: path.join(dir, "sdk/index.js"),
        builtMs,
        dispose: () => rmTmpDir(dir),
      };
    } catch (e) {
      if (attempt >= 10) {
        rmTmpDir(dir);
        throw e;
      }
      await sleep(3000);
    }
  }
}

/** An already built product folder (e.g. an older build to compare with), used in place: nothing is copied. */
export function distAt(dir: string): DistSnapshot {
  const abs = path.resolve(dir);
  const missing = FILES.filter((f) => !fs.existsSync(path.join(abs, f)));
  if (missing.length > 0) throw new Error(`${abs} lacks ${missing.join(", ")}`);
  process.env.NODE_PATH = nodePath();
  return {
    dir: abs,
    cli: path.join(abs, "cli.js"),
    workerScript: path.join(abs, "scorerWorker.js"),
    sdkEntry: path.join(abs, "sdk/index.js"),
    builtMs: fs.statSync(path.join(abs, "cli.js")).mtimeMs,
    dispose: () => {},
  };
}

/** `node <snapshot>/cli.js serve --db DB --port 0`. */
function nodePath(): string {
  const repo = path.join(REPO_ROOT, "node_modules");
  const rest = (process.env.NODE_PATH ?? "").split(path.delimiter).filter((p) => p !== "" && p !== repo);
  return [repo, ...rest].join(path.delimiter);
}

export function startSnapshotServer(snap: DistSnapshot, dbPath: string): Promise<ChildServer> {
  return startChildServer({
    command: process.execPath,
    args: [snap.cli, "serve", "--db", dbPath, "--port", "0"],
    env: { ...process.env, NODE_PATH: nodePath() },
    label: "scorelens serve (dist snapshot)",
  });
}
