/**
 * The workspace's scorer definitions, by file and by name.
 *
 * `indexFolders(folders)` walks the folders (fs.promises, no watchers), skipping node_modules, .git,
 * dist, out, symlinks and whatever each folder's root .gitignore ignores. It reads TS/JS files of at
 * most `maxFileBytes`, parses only those that mention scorer/Scorer (or re-export with `export *` /
 * `export {`), and keeps the result per file keyed by (mtime, size), so a rescan re-reads only files
 * that changed. Work is capped (files walked, files parsed); the report says when a cap was hit.
 *
 * Open documents go through `update(file, text)`, which takes precedence over the disk until
 * `closeDocument(file)`. The server calls `refreshFile`/`remove` on file events.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { ScorerDef } from "../../../protocol/scoring";
import { analyzeFile, EXPORT_LIST, SCORER_FILE_EXTENSIONS, SCORER_WORD, type FileAnalysis, type ReExport } from "./findScorers";
import { EMPTY_GITIGNORE, parseGitignore, type GitignoreMatcher } from "./gitignore";

export interface ScorerIndexOptions {
  /** Stop walking after this many files (any extension). Default 20,000. */
  maxFilesWalked?: number;
  /** Parse at most this many files per scan (cached parses count too). Default 2,000. */
  maxFilesParsed?: number;
  /** Skip larger files. Default 1 MB. */
  maxFileBytes?: number;
  /** Directory names never entered. Default node_modules, .git, dist, out. */
  skipDirs?: readonly string[];
  /** Files stat'ed/read at once. Default 16. */
  concurrency?: number;
}

export interface IndexReport {
  folders: string[];
  /** Files the walk saw (any extension). */
  filesWalked: number;
  /** TS/JS files considered (not ignored, within the size limit). */
  candidates: number;
  /** Files read from disk in this scan (the rest were unchanged and came from the cache). */
  filesRead: number;
  /** Files parsed in this scan. */
  filesParsed: number;
  cacheHits: number;
  /** Files with at least one scorer. */
  filesWithScorers: number;
  scorers: number;
  /** Files skipped for size (absolute paths). */
  tooLarge: string[];
  cappedWalk: boolean;
  cappedParse: boolean;
  /** Human-readable notes about caps and unreadable files, for the log/status. */
  warnings: string[];
  durationMs: number;
}

/** A scorer exported by a file, possibly through re-exports of other files. */
export interface ResolvedExport {
  /** The file that exports it. */
  file: string;
  exportName: string;
  def: ScorerDef;
}

interface Entry {
  /** Disk stat the entry was read with; -1 for open documents. */
  mtimeMs: number;
  size: number;
  /** From an open document (update), which wins over the disk. */
  overlay: boolean;
  /** Whether the text was parsed (false: it did not mention scorers). */
  parsed: boolean;
  scorers: ScorerDef[];
  reExports: ReExport[];
}

const DEFAULTS = {
  maxFilesWalked: 20_000,
  maxFilesParsed: 2_000,
  maxFileBytes: 1024 * 1024,
  skipDirs: ["node_modules", ".git", "dist", "out"] as readonly string[],
  concurrency: 16,
};

const EXTENSIONS: ReadonlySet<string> = new Set(SCORER_FILE_EXTENSIONS);

export function hasScorerExtension(file: string): boolean {
  return EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** Whether the text is worth parsing: it mentions scorer/Scorer or may forward exports. */
export function worthParsing(text: string): boolean {
  return SCORER_WORD.test(text) || EXPORT_LIST.test(text);
}

function byPosition(a: ScorerDef, b: ScorerDef): number {
  return (
    a.file.localeCompare(b.file) || a.range.startLine - b.range.startLine || a.range.startCharacter - b.range.startCharacter
  );
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export class ScorerIndex {
  private readonly options: typeof DEFAULTS;
  private readonly entries = new Map<string, Entry>();
  private readonly overlayAnalyses = new Map<string, { text: string; analysis: FileAnalysis | null }>();
  private nameMap: Map<string, ScorerDef[]> | null = null;
  private folders: string[] = [];
  private readonly ignores = new Map<string, GitignoreMatcher>();
  private queue: Promise<unknown> = Promise.resolve();
  private lastReport: IndexReport | null = null;

  constructor(options: ScorerIndexOptions = {}) {
    this.options = {
      maxFilesWalked: options.maxFilesWalked ?? DEFAULTS.maxFilesWalked,
      maxFilesParsed: options.maxFilesParsed ?? DEFAULTS.maxFilesParsed,
      maxFileBytes: options.maxFileBytes ?? DEFAULTS.maxFileBytes,
      skipDirs: options.skipDirs ?? DEFAULTS.skipDirs,
      concurrency: options.concurrency ?? DEFAULTS.concurrency,
    };
  }

  /** The report of the last completed scan, or null before the first. */
  get report(): IndexReport | null {
    return this.lastReport;
  }

  /** Walks and indexes the folders (replacing the previous folder list). Scans run one at a time. */
  indexFolders(folders: readonly string[]): Promise<IndexReport> {
    const resolved = [...new Set(folders.map((f) => path.resolve(f)))];
    const run = this.queue.then(() => this.scan(resolved));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Rescans the folders of the last `indexFolders` call (unchanged files come from the cache). */
  rescan(): Promise<IndexReport> {
    return this.indexFolders(this.folders);
  }

  /**
   * Indexes an open document's text (it wins over the disk until `closeDocument`). Returns the
   * file's scorers; [] for files that are not TS/JS or are larger than the size limit.
   */
  update(file: string, text: string): ScorerDef[] {
    const abs = path.resolve(file);
    if (!hasScorerExtension(abs) || text.length > this.options.maxFileBytes) {
      this.remove(abs);
      return [];
    }
    const analysis = worthParsing(text) ? analyzeFile(text, abs) : null;
    this.entries.set(abs, {
      ...(analysis ? { parsed: true, scorers: analysis.scorers.map((x) => x.def), reExports: analysis.reExports } : { parsed: false, scorers: [], reExports: [] }),
      mtimeMs: -1,
      size: text.length,
      overlay: true,
    });
    // Kept for the open document only, so its diagnostics don't parse it a second time.
    this.overlayAnalyses.set(abs, { text, analysis });
    this.nameMap = null;
    return this.byFile(abs);
  }

  /** The document closed: the next refresh or scan reads the file from disk again. */
  async closeDocument(file: string): Promise<ScorerDef[]> {
    const abs = path.resolve(file);
    this.overlayAnalyses.delete(abs);
    const entry = this.entries.get(abs);
    if (entry?.overlay) {
      entry.overlay = false;
      entry.mtimeMs = -1;
    }
    return this.refreshFile(abs);
  }

  /** Re-reads one file from disk (for file-created/changed events). Ignored or oversized files are dropped. */
  async refreshFile(file: string): Promise<ScorerDef[]> {
    const abs = path.resolve(file);
    if (this.entries.get(abs)?.overlay) return this.byFile(abs);
    const folder = this.folderOf(abs);
    if (!hasScorerExtension(abs) || (folder !== null && this.isExcluded(folder, abs))) {
      this.remove(abs);
      return [];
    }
    try {
      const st = await fsp.stat(abs);
      if (!st.isFile() || st.size > this.options.maxFileBytes) {
        this.remove(abs);
        return [];
      }
      const cached = this.entries.get(abs);
      if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return this.byFile(abs);
      const text = await fsp.readFile(abs, "utf8");
      if (this.entries.get(abs)?.overlay) return this.byFile(abs); // opened while reading
      this.entries.set(abs, { ...this.analyze(abs, text), mtimeMs: st.mtimeMs, size: st.size, overlay: false });
      this.nameMap = null;
      return this.byFile(abs);
    } catch {
      this.remove(abs);
      return [];
    }
  }

  /** Forgets a file (deleted, or no longer wanted). */
  remove(file: string): void {
    this.overlayAnalyses.delete(path.resolve(file));
    if (this.entries.delete(path.resolve(file))) this.nameMap = null;
  }

  all(): ScorerDef[] {
    const out: ScorerDef[] = [];
    for (const e of this.entries.values()) out.push(...e.scorers);
    return out.sort(byPosition);
  }

  byFile(file: string): ScorerDef[] {
    return [...(this.entries.get(path.resolve(file))?.scorers ?? [])];
  }

  byName(name: string): ScorerDef[] {
    if (this.nameMap === null) {
      const map = new Map<string, ScorerDef[]>();
      for (const def of this.all()) {
        const list = map.get(def.name);
        if (list) list.push(def);
        else map.set(def.name, [def]);
      }
      this.nameMap = map;
    }
    return [...(this.nameMap.get(name) ?? [])];
  }

  /** Files currently indexed (parsed or not), for status and tests. */
  files(): string[] {
    return [...this.entries.keys()].sort();
  }

  reExports(file: string): ReExport[] {
    return [...(this.entries.get(path.resolve(file))?.reExports ?? [])];
  }

  /** Everything a file exports that is a scorer: its own exports, then resolved re-exports. */
  exportsOf(file: string): ResolvedExport[] {
    const abs = path.resolve(file);
    return [...this.exportMap(abs, new Map(), new Set()).entries()].map(([exportName, def]) => ({ file: abs, exportName, def }));
  }

  /**
   * The scorers that files export through re-exports (`export { a } from "./x"`, `export * from`,
   * `import { a } from "./x"; export { a as b }`), resolved across indexed files. Relative
   * specifiers only; `.js` specifiers also find `.ts` sources; cycles are cut.
   */
  resolveReExports(): ResolvedExport[] {
    const memo = new Map<string, Map<string, ScorerDef>>();
    const out: ResolvedExport[] = [];
    for (const [file, entry] of this.entries) {
      if (entry.reExports.length === 0) continue;
      const own = new Set(entry.scorers.map((d) => d.exportName).filter((n): n is string => n !== null));
      for (const [exportName, def] of this.exportMap(file, memo, new Set())) {
        if (!own.has(exportName)) out.push({ file, exportName, def });
      }
    }
    return out.sort((a, b) => a.file.localeCompare(b.file) || a.exportName.localeCompare(b.exportName));
  }

  /** Which indexed file a relative specifier names, or null. */
  resolveModule(fromFile: string, specifier: string): string | null {
    if (!specifier.startsWith(".") && !path.isAbsolute(specifier)) return null;
    const base = path.resolve(path.dirname(fromFile), specifier);
    const candidates = [base];
    const ext = path.extname(base).toLowerCase();
    const stem = base.slice(0, base.length - ext.length);
    const swaps: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };
    for (const swap of swaps[ext] ?? []) candidates.push(stem + swap);
    for (const e of SCORER_FILE_EXTENSIONS) candidates.push(base + e);
    for (const e of SCORER_FILE_EXTENSIONS) candidates.push(path.join(base, `index${e}`));
    return candidates.find((c) => this.entries.has(c)) ?? null;
  }

  // -------------------------------------------------------------------------------------------

  private exportMap(file: string, memo: Map<string, Map<string, ScorerDef>>, visiting: Set<string>): Map<string, ScorerDef> {
    return this.exportMapOf(file, memo, visiting).map;
  }

  /** `complete` is false when a cycle was cut below this file: such results are not memoized. */
  private exportMapOf(
    file: string,
    memo: Map<string, Map<string, ScorerDef>>,
    visiting: Set<string>,
  ): { map: Map<string, ScorerDef>; complete: boolean } {
    const cached = memo.get(file);
    if (cached) return { map: cached, complete: true };
    const map = new Map<string, ScorerDef>();
    const entry = this.entries.get(file);
    if (!entry) return { map, complete: true };
    if (visiting.has(file)) return { map, complete: false };
    visiting.add(file);
    let complete = true;
    for (const def of entry.scorers) if (def.exportName !== null && !map.has(def.exportName)) map.set(def.exportName, def);
    const star: Map<string, ScorerDef>[] = [];
    for (const re of entry.reExports) {
      const target = this.resolveModule(file, re.specifier);
      if (target === null) continue;
      const sub = this.exportMapOf(target, memo, visiting);
      complete &&= sub.complete;
      if (re.exportName === "*") star.push(sub.map);
      else {
        const def = sub.map.get(re.importedName);
        if (def && !map.has(re.exportName)) map.set(re.exportName, def);
      }
    }
    // Explicit exports shadow `export *`, which never forwards "default".
    for (const s of star) for (const [name, def] of s) if (name !== "default" && !map.has(name)) map.set(name, def);
    visiting.delete(file);
    if (complete) memo.set(file, map);
    return { map, complete };
  }

  /** The analysis `update()` made of this exact text of an open document, or null (then callers parse). */
  analysisFor(file: string, text: string): FileAnalysis | null {
    const kept = this.overlayAnalyses.get(path.resolve(file));
    return kept && kept.text === text ? kept.analysis : null;
  }

  private analyze(file: string, text: string): Pick<Entry, "parsed" | "scorers" | "reExports"> {
    if (!worthParsing(text)) return { parsed: false, scorers: [], reExports: [] };
    const a = analyzeFile(text, file);
    return { parsed: true, scorers: a.scorers.map((s) => s.def), reExports: a.reExports };
  }

  private folderOf(abs: string): string | null {
    let best: string | null = null;
    for (const f of this.folders) {
      const rel = path.relative(f, abs);
      if (rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) && (best === null || f.length > best.length)) best = f;
    }
    return best;
  }

  /** Inside a skipped directory or ignored by the folder's .gitignore. */
  private isExcluded(folder: string, abs: string): boolean {
    const rel = path.relative(folder, abs).split(path.sep).join("/");
    const dirs = rel.split("/").slice(0, -1);
    if (dirs.some((d) => this.options.skipDirs.includes(d))) return true;
    return (this.ignores.get(folder) ?? EMPTY_GITIGNORE).ignores(rel, false);
  }

  private async loadGitignore(folder: string): Promise<GitignoreMatcher> {
    try {
      return parseGitignore(await fsp.readFile(path.join(folder, ".gitignore"), "utf8"));
    } catch {
      return EMPTY_GITIGNORE;
    }
  }

  private async scan(folders: string[]): Promise<IndexReport> {
    const t0 = performance.now();
    this.folders = folders;
    const o = this.options;
    const report: IndexReport = {
      folders,
      filesWalked: 0,
      candidates: 0,
      filesRead: 0,
      filesParsed: 0,
      cacheHits: 0,
      filesWithScorers: 0,
      scorers: 0,
      tooLarge: [],
      cappedWalk: false,
      cappedParse: false,
      warnings: [],
      durationMs: 0,
    };

    // 1. Walk (breadth-first, sorted, so caps cut deterministically).
    const files: string[] = [];
    this.ignores.clear();
    for (const folder of folders) {
      if (report.cappedWalk) break;
      const gitignore = await this.loadGitignore(folder);
      this.ignores.set(folder, gitignore);
      const queue = [folder];
      while (queue.length > 0 && !report.cappedWalk) {
        const dir = queue.shift() as string;
        let dirents;
        try {
          dirents = await fsp.readdir(dir, { withFileTypes: true });
        } catch {
          continue;
        }
        dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const d of dirents) {
          const abs = path.join(dir, d.name);
          const rel = path.relative(folder, abs).split(path.sep).join("/");
          if (d.isDirectory()) {
            if (!o.skipDirs.includes(d.name) && !gitignore.matches(rel, true)) queue.push(abs);
          } else if (d.isFile()) {
            if (report.filesWalked >= o.maxFilesWalked) {
              report.cappedWalk = true;
              break;
            }
            report.filesWalked++;
            if (hasScorerExtension(d.name) && !gitignore.matches(rel, false)) files.push(abs);
          }
        }
      }
    }
    if (report.cappedWalk) {
      report.warnings.push(
        `Scorer discovery stopped walking after ${o.maxFilesWalked} files; scorers in the rest of the workspace are not indexed (open their files to index them).`,
      );
    }

    // 2. Stat, read when changed, parse when it mentions scorers.
    const seen = new Set<string>();
    let parsedBudget = o.maxFilesParsed;
    await mapLimit(files, o.concurrency, async (abs) => {
      seen.add(abs);
      const existing = this.entries.get(abs);
      if (existing?.overlay) {
        report.candidates++;
        if (existing.parsed) parsedBudget--;
        return;
      }
      let st;
      try {
        st = await fsp.stat(abs);
      } catch {
        seen.delete(abs);
        return;
      }
      if (st.size > o.maxFileBytes) {
        report.tooLarge.push(abs);
        seen.delete(abs);
        return;
      }
      report.candidates++;
      if (existing && existing.mtimeMs === st.mtimeMs && existing.size === st.size) {
        if (existing.parsed) {
          if (parsedBudget <= 0) {
            report.cappedParse = true;
            seen.delete(abs);
            return;
          }
          parsedBudget--;
        }
        report.cacheHits++;
        return;
      }
      let text: string;
      try {
        text = await fsp.readFile(abs, "utf8");
      } catch (e) {
        report.warnings.push(`Could not read ${abs}: ${e instanceof Error ? e.message : String(e)}`);
        seen.delete(abs);
        return;
      }
      report.filesRead++;
      if (this.entries.get(abs)?.overlay) return; // opened while we were reading
      if (worthParsing(text)) {
        if (parsedBudget <= 0) {
          report.cappedParse = true;
          seen.delete(abs);
          return;
        }
        parsedBudget--;
        report.filesParsed++;
      }
      this.entries.set(abs, { ...this.analyze(abs, text), mtimeMs: st.mtimeMs, size: st.size, overlay: false });
    });
    if (report.cappedParse) {
      report.warnings.push(
        `Scorer discovery parsed its limit of ${o.maxFilesParsed} files that mention scorers; the others are not indexed (open their files to index them).`,
      );
    }
    if (report.tooLarge.length > 0) {
      report.tooLarge.sort();
      report.warnings.push(`Skipped ${report.tooLarge.length} file(s) larger than ${o.maxFileBytes} bytes, e.g. ${report.tooLarge[0]}.`);
    }

    // 3. Forget files this scan did not index (deleted, now ignored, over a cap); keep open documents.
    for (const [file, entry] of this.entries) {
      if (!entry.overlay && !seen.has(file)) this.entries.delete(file);
    }
    this.nameMap = null;

    for (const entry of this.entries.values()) {
      if (entry.scorers.length > 0) report.filesWithScorers++;
      report.scorers += entry.scorers.length;
    }
    report.durationMs = Math.round(performance.now() - t0);
    this.lastReport = report;
    return report;
  }
}
