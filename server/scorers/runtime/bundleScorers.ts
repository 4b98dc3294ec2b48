/**
 * Bundles a user's scorer file (TS or JS) into one CommonJS string that a scorer worker can
 * compile with `Module._compile` (see scorerWorker.ts).
 *
 * - `import … from "scorelens"` is aliased to the SDK that ships with ScoreLens (`opts.sdkEntry`:
 *   the repo's sdk/index.ts in dev and tests, dist/sdk/index.js when packaged), so a scorer file
 *   needs no install. Relative imports that reach into the repo's sdk/ are bundled as written.
 * - The user's own packages (anything that resolves into a node_modules folder) stay external and
 *   are `require`d at run time from the scorer file's folder. Bare imports that resolve to local
 *   source (tsconfig `paths`, symlinked workspace packages) are bundled.
 * - The source map is inline and its sources are relative to the scorer file's folder, so stack
 *   traces point at the user's .ts lines once the worker enables source maps.
 * - Build errors come back as data (`{ error }`), never as exceptions.
 *
 * Results are cached per (file, sdkEntry, workspaceRoot) and reused while the file's mtime and
 * size and every bundled input's mtime and size are unchanged.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

export interface BundleOptions {
  /** The SDK source the "scorelens" specifier is aliased to (absolute path). */
  sdkEntry: string;
  /** The workspace folder: esbuild's working directory (absolute path). */
  workspaceRoot: string;
}

/** Where a build (or load) failed. `line` is 1-based, `column` 0-based (esbuild's convention); null when unknown. */
export interface ScorerSourceError {
  message: string;
  file: string;
  line: number | null;
  column: number | null;
}

export interface ScorerBundle {
  /** CommonJS code with an inline source map. */
  code: string;
  /** sha256 (hex) of `code`: identifies this build of the scorer file. */
  sourceHash: string;
  /** esbuild warnings, formatted `file:line:column: text`. */
  warnings: string[];
}

export type BundleResult = ScorerBundle | { error: ScorerSourceError };

export function isBundleError(r: BundleResult): r is { error: ScorerSourceError } {
  return "error" in r;
}

interface FileStamp {
  file: string;
  mtimeMs: number;
  size: number;
}

interface CacheEntry {
  stamps: FileStamp[];
  bundle: ScorerBundle;
}

const cache = new Map<string, CacheEntry>();
const MAX_CACHE_ENTRIES = 64;

/** Forgets cached bundles (tests; or when the SDK on disk is replaced). */
export function clearBundleCache(): void {
  cache.clear();
}

export async function bundleScorerFile(file: string, opts: BundleOptions): Promise<BundleResult> {
  const absFile = path.resolve(file);
  const workspaceRoot = path.resolve(opts.workspaceRoot);
  const sdkEntry = path.resolve(opts.sdkEntry);
  const key = `${absFile}\0${sdkEntry}\0${workspaceRoot}`;

  const cached = cache.get(key);
  if (cached && stampsCurrent(cached.stamps)) {
    // refresh LRU position
    cache.delete(key);
    cache.set(key, cached);
    return cached.bundle;
  }

  const own = stamp(absFile);
  if (!own) return { error: { message: `scorer file not found: ${absFile}`, file: absFile, line: null, column: null } };

  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [absFile],
      // Not written: sets the directory the source map's `sources` are relative to (the file's own).
      outfile: path.join(path.dirname(absFile), "__scorelens_scorer_bundle.js"),
      write: false,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node22",
      sourcemap: "inline",
      sourcesContent: true,
      // Bundling renames clashing top-level names; keep `fn.name`, which scorers may be named by.
      keepNames: true,
      metafile: true,
      absWorkingDir: workspaceRoot,
      logLevel: "silent",
      plugins: [sdkAliasPlugin(sdkEntry)],
    });
  } catch (err) {
    return { error: buildFailure(err, absFile, workspaceRoot) };
  }

  const out = result.outputFiles.find((o) => o.path.endsWith(".js"));
  if (!out) return { error: { message: "esbuild produced no output", file: absFile, line: null, column: null } };
  const code = out.text;
  const bundle: ScorerBundle = {
    code,
    sourceHash: createHash("sha256").update(code).digest("hex"),
    warnings: result.warnings.map((w) => formatMessage(w, workspaceRoot)),
  };

  const stamps: FileStamp[] = [own];
  for (const input of Object.keys(result.metafile.inputs)) {
    const abs = path.resolve(workspaceRoot, input);
    if (abs === absFile) continue;
    const s = stamp(abs);
    if (s) stamps.push(s);
  }
  cache.set(key, { stamps, bundle });
  while (cache.size > MAX_CACHE_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return bundle;
}

/**
 * Resolves bare specifiers:
 * - "scorelens" → the SDK entry (bundled);
 * - imports made by the SDK's own files → bundled normally (the SDK must not depend on the user's installs);
 * - anything resolving into node_modules, Node built-ins, or unresolvable → external (required at run time);
 * - anything else (tsconfig paths, symlinked local packages) → bundled.
 */
function sdkAliasPlugin(sdkEntry: string): esbuild.Plugin {
  const sdkDir = path.dirname(sdkEntry);
  // In dev the SDK's TS sources may import the shared protocol/ folder next to sdk/.
  const internalDirs = [sdkDir];
  if (/\.[cm]?ts$/.test(sdkEntry)) internalDirs.push(path.resolve(sdkDir, "..", "protocol"));
  const isInternal = (importer: string): boolean => internalDirs.some((d) => isInside(importer, d));
  const SKIP = Symbol("scorelens-resolve");

  return {
    name: "scorelens-sdk-alias",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === SKIP) return undefined;
        if (path.isAbsolute(args.path)) return undefined;
        if (args.path === "scorelens") return { path: sdkEntry };
        if (args.importer && isInternal(args.importer)) return undefined;
        const res = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: SKIP,
        });
        if (res.errors.length > 0 || res.external || res.path === "") return { path: args.path, external: true };
        if (res.path.split(path.sep).includes("node_modules")) return { path: args.path, external: true };
        return { path: res.path, namespace: res.namespace, sideEffects: res.sideEffects };
      });
    },
  };
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

function stamp(file: string): FileStamp | null {
  try {
    const st = fs.statSync(file);
    return { file, mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    return null;
  }
}

function stampsCurrent(stamps: FileStamp[]): boolean {
  for (const s of stamps) {
    const now = stamp(s.file);
    if (!now || now.mtimeMs !== s.mtimeMs || now.size !== s.size) return false;
  }
  return true;
}

function isBuildFailure(err: unknown): err is esbuild.BuildFailure {
  return typeof err === "object" && err !== null && Array.isArray((err as { errors?: unknown }).errors);
}

function buildFailure(err: unknown, absFile: string, workspaceRoot: string): ScorerSourceError {
  if (isBuildFailure(err) && err.errors.length > 0) {
    const first = err.errors[0];
    if (first) {
      const loc = first.location;
      const extra = err.errors.length > 1 ? ` (and ${err.errors.length - 1} more error${err.errors.length > 2 ? "s" : ""})` : "";
      return {
        message: first.text + extra,
        file: loc?.file ? path.resolve(workspaceRoot, loc.file) : absFile,
        line: loc ? loc.line : null,
        column: loc ? loc.column : null,
      };
    }
  }
  return { message: err instanceof Error ? err.message : String(err), file: absFile, line: null, column: null };
}

function formatMessage(m: esbuild.Message, workspaceRoot: string): string {
  const loc = m.location;
  if (!loc) return m.text;
  return `${path.resolve(workspaceRoot, loc.file)}:${loc.line}:${loc.column}: ${m.text}`;
}
