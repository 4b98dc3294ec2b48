/**
 * Registered scorers in SQLite (MLflow's register / start / update / stop / delete).
 *
 * - register: bundles the file (the "scorelens" import aliased to the shipped SDK) and stores the
 *   code as a new immutable version; the name is unique, re-registering makes version n+1.
 * - State follows the rate: registered (never started), active (> 0), stopped (0).
 * - At most `maxActive` scorers are active at once (MLflow's default is 20).
 * Every method reads the store, so another process (the CLI) can change registrations while a
 * server monitors; records returned are fresh objects.
 */
import fs from "node:fs";
import path from "node:path";
import type { RegisteredScorer, ScorerState } from "../../protocol/monitoring";
import { analyzeFile } from "../scorers/discovery/findScorers";
import { bundleScorerFile, isBundleError } from "../scorers/runtime/bundleScorers";
import { FilterSyntaxError } from "../search/filterErrors";
import { compileFilter } from "../search/filterToSql";
import type { Db } from "../store/db";

export const DEFAULT_MAX_ACTIVE = 20;

export type MonitoringErrorCode = "not-found" | "invalid" | "limit" | "build";

export class MonitoringError extends Error {
  constructor(
    message: string,
    readonly code: MonitoringErrorCode,
  ) {
    super(message);
    this.name = "MonitoringError";
  }
  static is(e: unknown): e is MonitoringError {
    return e instanceof MonitoringError;
  }
}

/** What monitoring runs: one scorer version's snapshot. */
export interface ScorerSnapshot {
  name: string;
  version: number;
  filename: string;
  exportName: string;
  code: string;
  sourceHash: string;
  aggregations: string[] | null;
}

export interface ActiveScorer {
  name: string;
  version: number;
  sampleRate: number;
  filterString: string | null;
}

interface Row {
  name: string;
  version: number;
  sample_rate: number;
  filter_string: string | null;
  started: number;
  scored_count: number;
  last_error: string | null;
  created_ms: number;
  updated_ms: number;
  file: string;
  export_name: string;
  source_hash: string;
  aggregations: string | null;
  backlog: number;
}

const SELECT = `SELECT r.*, v.file, v.export_name, v.source_hash, v.aggregations,
  (SELECT count(*) FROM monitor_pending p WHERE p.scorer = r.name) AS backlog
  FROM registered_scorers r JOIN scorer_versions v ON v.name = r.name AND v.version = r.version`;

function stateOf(r: Pick<Row, "sample_rate" | "started">): ScorerState {
  if (r.sample_rate > 0) return "active";
  return r.started ? "stopped" : "registered";
}

function toRecord(r: Row): RegisteredScorer {
  return {
    name: r.name,
    version: Number(r.version),
    file: r.file,
    exportName: r.export_name,
    sourceHash: r.source_hash,
    aggregations: r.aggregations === null ? null : (JSON.parse(r.aggregations) as string[]),
    sampleRate: r.sample_rate,
    filterString: r.filter_string,
    state: stateOf(r),
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
    backlog: Number(r.backlog),
    scoredCount: Number(r.scored_count),
    lastError: r.last_error,
  };
}

/** Throws MonitoringError for a filter the search parser refuses; "" and null mean "all traces". */
export function validFilter(filter: string | null | undefined): string | null {
  const f = filter?.trim() ?? "";
  if (f === "") return null;
  try {
    compileFilter(f);
  } catch (e) {
    if (FilterSyntaxError.is(e)) throw new MonitoringError(`invalid filter_string: ${e.message}\n${e.excerpt}`, "invalid");
    throw e;
  }
  return f;
}

function validRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new MonitoringError(`sample_rate must be between 0 and 1, got ${rate}`, "invalid");
  return rate;
}

export interface RegistryOptions {
  /** The SDK that "scorelens" imports in scorer files resolve to. */
  sdkEntry: string;
  maxActive?: number;
}

export class ScorerRegistry {
  readonly maxActive: number;

  constructor(
    private readonly db: Db,
    private readonly opts: RegistryOptions,
  ) {
    this.maxActive = opts.maxActive ?? DEFAULT_MAX_ACTIVE;
  }

  list(): RegisteredScorer[] {
    return (this.db.prepare(`${SELECT} ORDER BY r.name`).all() as Row[]).map(toRecord);
  }

  get(name: string): RegisteredScorer | null {
    const r = this.db.prepare(`${SELECT} WHERE r.name = ?`).get(name) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  private need(name: string): RegisteredScorer {
    const r = this.get(name);
    if (!r) throw new MonitoringError(`no registered scorer named "${name}" (register it first: scorelens scorers register FILE --export NAME)`, "not-found");
    return r;
  }

  /** Bundles `file` and stores its code as a new version of `name` (default: the scorer's own name). */
  async register(req: { file: string; exportName: string; name?: string | undefined }): Promise<RegisteredScorer> {
    const file = path.resolve(req.file);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new MonitoringError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, "invalid");
    }
    const analysis = analyzeFile(text, file);
    const def = analysis.scorers.find((s) => s.def.exportName === req.exportName)?.def ?? analysis.scorers.find((s) => s.def.exportName !== null && s.def.name === req.exportName)?.def;
    const reExported = analysis.reExports.some((r) => r.exportName === req.exportName || r.exportName === "*");
    if (!def && !reExported) {
      const found = analysis.scorers.filter((s) => s.def.exportName !== null).map((s) => s.def.exportName as string);
      throw new MonitoringError(
        `${path.basename(file)} has no exported scorer "${req.exportName}"${found.length > 0 ? ` (exported scorers: ${found.join(", ")})` : " (it exports no scorers)"}`,
        "invalid",
      );
    }
    const name = (req.name ?? def?.name ?? req.exportName).trim();
    if (name === "" || name.length > 200) throw new MonitoringError("a scorer name must have 1 to 200 characters", "invalid");
    const bundle = await bundleScorerFile(file, { sdkEntry: this.opts.sdkEntry, workspaceRoot: path.dirname(file) });
    if (isBundleError(bundle)) {
      const e = bundle.error;
      throw new MonitoringError(`${e.file}${e.line !== null ? `:${e.line}` : ""}: ${e.message}`, "build");
    }
    const aggregations = def?.aggregations?.filter((a) => a !== "custom") ?? null;
    const now = Date.now();
    const exportName = def?.exportName ?? req.exportName;
    this.db.transaction(() => {
      const last = this.db.prepare("SELECT max(version) FROM scorer_versions WHERE name = ?").pluck().get(name) as number | null;
      const version = (last ?? 0) + 1;
      this.db
        .prepare("INSERT INTO scorer_versions (name, version, file, export_name, code, source_hash, aggregations, created_ms) VALUES (?,?,?,?,?,?,?,?)")
        .run(name, version, file, exportName, bundle.code, bundle.sourceHash, aggregations ? JSON.stringify(aggregations) : null, now);
      this.db
        .prepare(
          `INSERT INTO registered_scorers (name, version, created_ms, updated_ms) VALUES (?, ?, ?, ?)
           ON CONFLICT(name) DO UPDATE SET version = excluded.version, updated_ms = excluded.updated_ms, last_error = NULL`,
        )
        .run(name, version, now, now);
    })();
    return this.need(name);
  }

  /** Sets rate and filter; checks the active limit when this makes the scorer active. */
  private configure(name: string, rate: number, filter: string | null): RegisteredScorer {
    return this.db.transaction(() => {
      const cur = this.need(name);
      if (rate > 0 && cur.sampleRate === 0) {
        const active = this.db.prepare("SELECT name FROM registered_scorers WHERE sample_rate > 0 ORDER BY name").pluck().all() as string[];
        if (active.length >= this.maxActive) {
          throw new MonitoringError(
            `cannot start "${name}": at most ${this.maxActive} scorers may be active at once (scorelens.monitoring.maxActiveScorers), and ${active.length} are: ${active.join(", ")}. Stop one first.`,
            "limit",
          );
        }
      }
      this.db
        .prepare("UPDATE registered_scorers SET sample_rate = ?, filter_string = ?, started = started OR ? > 0, updated_ms = ? WHERE name = ?")
        .run(rate, filter, rate, Date.now(), name);
      // a stopped scorer's backlog is dropped: stopping means no more scoring
      if (rate === 0) this.db.prepare("DELETE FROM monitor_pending WHERE scorer = ?").run(name);
      return this.need(name);
    }).immediate();
  }

  start(name: string, sampleRate: number, filterString: string | null = null): RegisteredScorer {
    if (validRate(sampleRate) === 0) throw new MonitoringError("start with a sample rate above 0 (0 is stop)", "invalid");
    return this.configure(name, sampleRate, validFilter(filterString));
  }

  update(name: string, patch: { sampleRate?: number | undefined; filterString?: string | null | undefined }): RegisteredScorer {
    const cur = this.need(name);
    const rate = patch.sampleRate === undefined ? cur.sampleRate : validRate(patch.sampleRate);
    const filter = patch.filterString === undefined ? cur.filterString : validFilter(patch.filterString);
    return this.configure(name, rate, filter);
  }

  stop(name: string): RegisteredScorer {
    return this.configure(name, 0, this.need(name).filterString);
  }

  /** Removes the registration and its backlog; assessments and version snapshots stay. */
  delete(name: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare("DELETE FROM monitor_pending WHERE scorer = ?").run(name);
      return this.db.prepare("DELETE FROM registered_scorers WHERE name = ?").run(name).changes > 0;
    })();
  }

  active(): ActiveScorer[] {
    const rows = this.db.prepare("SELECT name, version, sample_rate, filter_string FROM registered_scorers WHERE sample_rate > 0").all() as Array<{
      name: string;
      version: number;
      sample_rate: number;
      filter_string: string | null;
    }>;
    return rows.map((r) => ({ name: r.name, version: Number(r.version), sampleRate: r.sample_rate, filterString: r.filter_string }));
  }

  snapshot(name: string, version: number): ScorerSnapshot | null {
    const r = this.db.prepare("SELECT * FROM scorer_versions WHERE name = ? AND version = ?").get(name, version) as
      | { name: string; version: number; file: string; export_name: string; code: string; source_hash: string; aggregations: string | null }
      | undefined;
    if (!r) return null;
    return {
      name: r.name,
      version: Number(r.version),
      filename: r.file,
      exportName: r.export_name,
      code: r.code,
      sourceHash: r.source_hash,
      aggregations: r.aggregations === null ? null : (JSON.parse(r.aggregations) as string[]),
    };
  }

  /** Counts results and remembers the last error (null clears it). */
  noteResults(name: string, scored: number, lastError: string | null | undefined): void {
    if (lastError === undefined) this.db.prepare("UPDATE registered_scorers SET scored_count = scored_count + ? WHERE name = ?").run(scored, name);
    else this.db.prepare("UPDATE registered_scorers SET scored_count = scored_count + ?, last_error = ? WHERE name = ?").run(scored, lastError, name);
  }
}
