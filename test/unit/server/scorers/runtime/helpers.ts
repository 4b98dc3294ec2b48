/** Shared helpers for the scorer runtime tests: a bundled worker, tmp workspaces, synthetic traces. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import type { SpanRecord, TraceDetail } from "../../../../../protocol/model";
import type { TraceScore } from "../../../../../protocol/scoring";
import { bundleScorerFile, isBundleError } from "../../../../../server/scorers/runtime/bundleScorers";
import type { PoolBundle } from "../../../../../server/scorers/runtime/workerPool";

export const REPO = path.resolve(__dirname, "../../../../..");
/** The SDK source the "scorelens" specifier is aliased to in tests. */
export const SDK_ENTRY = path.join(REPO, "sdk/index.ts");

let workerScript: Promise<string> | null = null;

/** Bundles server/scorers/runtime/scorerWorker.ts (as scripts/build.mjs does) into a tmp folder, once per process. */
export function buildWorkerScript(): Promise<string> {
  workerScript ??= (async () => {
    // Inside the repo, so the worker's require("better-sqlite3") finds node_modules as dist/'s does.
    fs.mkdirSync(path.join(REPO, "test-output"), { recursive: true });
    const outdir = fs.mkdtempSync(path.join(REPO, "test-output", "worker-"));
    const outfile = path.join(outdir, "scorerWorker.js");
    await esbuild.build({
      entryPoints: [path.join(REPO, "server/scorers/runtime/scorerWorker.ts")],
      outfile,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node22",
      sourcemap: "inline",
      // as scripts/build.mjs: the native module loads from node_modules
      external: ["better-sqlite3"],
      logLevel: "warning",
    });
    return outfile;
  })();
  return workerScript;
}

/** Writes `files` (relative path → content) under a new tmp folder and returns its path. */
export function makeWorkspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "scorelens-ws-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

/** Bundles a scorer file and returns it as the pool takes it (throws on a build error). */
export async function bundleFor(file: string, workspaceRoot = path.dirname(file)): Promise<PoolBundle> {
  const b = await bundleScorerFile(file, { sdkEntry: SDK_ENTRY, workspaceRoot });
  if (isBundleError(b)) throw new Error(`bundle failed: ${b.error.message} at ${b.error.file}:${b.error.line}:${b.error.column}`);
  return { filename: file, code: b.code, sourceHash: b.sourceHash };
}

/** 32-hex trace id for an index. */
export function traceIdOf(i: number): string {
  return i.toString(16).padStart(32, "0");
}

/** A one-span trace whose root has inputs `{ question }` and outputs `answer`. */
export function syntheticTrace(i: number, answer = `answer ${i}`): TraceDetail {
  const traceId = traceIdOf(i);
  const spanId = (i + 1).toString(16).padStart(16, "0");
  const root: SpanRecord = {
    traceId,
    spanId,
    parentSpanId: null,
    name: "root",
    kind: 1,
    startTimeUnixNano: "1795459750474000000",
    endTimeUnixNano: "1795459750475000000",
    statusCode: "OK",
    statusMessage: "",
    attributes: {},
    events: [],
    links: [],
    resource: { "service.name": "svc" },
    scope: { name: "scope", version: "1" },
    spanType: "CHAIN",
    inputs: { question: `question ${i}` },
    outputs: answer,
    model: null,
    provider: null,
    usage: null,
    cost: null,
    error: null,
    sessionId: null,
    userId: null,
    tags: {},
    metadata: {},
    conventions: [],
  };
  return {
    summary: {
      traceId,
      requestId: `tr-${traceId}`,
      name: "root",
      state: "OK",
      startTimeMs: 1795459750474,
      endTimeMs: 1795459750475,
      durationMs: 1,
      spanCount: 1,
      errorCount: 0,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: null,
      requestPreview: `question ${i}`,
      responsePreview: answer,
      tags: {},
      metadata: {},
      sessionId: null,
      userId: null,
      serviceName: "svc",
      hasRoot: true,
    },
    spans: [root],
  };
}

/** Trace ids 0..n-1 and a loadTrace over synthetic traces (an answer per index can be overridden). */
export function traces(n: number, answers: Record<number, string> = {}): { ids: string[]; loadTrace: (id: string) => TraceDetail | null } {
  const ids = Array.from({ length: n }, (_, i) => traceIdOf(i));
  return {
    ids,
    loadTrace: (id) => {
      const i = parseInt(id, 16);
      return Number.isFinite(i) && i < n ? syntheticTrace(i, answers[i]) : null;
    },
  };
}

/** The first Feedback of a result (asserting there is one). */
export function firstFeedback(r: TraceScore | undefined): TraceScore["feedbacks"][number] {
  const f = r?.feedbacks[0];
  if (!f) throw new Error(`no feedback in ${JSON.stringify(r)}`);
  return f;
}
