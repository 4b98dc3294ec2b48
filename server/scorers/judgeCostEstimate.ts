/**
 * Judge cost estimates before a run, for the lens ("▶ Run on last 100 traces · ≈100 judge calls ·
 * ~85k tokens · ~$0.02") and the "Run on…" dialog.
 *
 * - Which scorers are the SDK's judges, of which kind, with which literal options: from the
 *   source (judgeDefs.ts), parsed once per file text.
 * - How much of a trace goes into a prompt: one SQL aggregate over the selected app traces (the
 *   root span's inputs/outputs sizes, RETRIEVER documents when the judge reads them; sizes only,
 *   no trace is read), cached until the store's trace/span counts change.
 * - The numbers: sdk/judges (judgeCostProfile + estimateFromProfile), so the lens and the SDK's
 *   `estimateJudgeCost` agree. The model: the judge's literal `model`, else the server's default
 *   (SCORELENS_JUDGE_*); without either the run would fail, and the lens says "model not set".
 */
import ts from "typescript";
import { JudgeRunEstimate } from "../../protocol/judgeCost";
import type { ScorerDef, TraceSelection } from "../../protocol/scoring";
import { DEFAULT_AVG_INPUT_CHARS, estimateFromProfile } from "../../sdk/judges/cost";
import { judgeModelFromEnv } from "../../sdk/judges/config";
import { parseVSCodeModelSelector, vscodeSelectorLabel } from "../../sdk/judges/vscodeProvider";
import type { JudgeInputPart } from "../../sdk/judges/judge";
import { isJudgeKind, judgeCostProfile, type JudgeKind } from "../../sdk/judges/judgeProfiles";
import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db";
import { collectSdkBindings, judgeRef, parseSource } from "./discovery/findScorers";
import { judgeLiterals, type JudgeLiterals } from "./discovery/judgeDefs";
import { appTraceSql, resolveTargets } from "./runTargets";

/** A scorer that is one of the SDK's judges, as its source says. */
export interface JudgeSource {
  kind: JudgeKind;
  literals: JudgeLiterals;
  /** The file calls configureJudges({ defaultModel… }): it sets the default model itself. */
  configuresModel: boolean;
}

/** Cheap test before parsing: files that never name a judge have none. */
const JUDGE_WORD = /\b(?:Guidelines|Safety|Correctness|RelevanceToQuery|Completeness|RetrievalGroundedness|RetrievalRelevance|RetrievalSufficiency|customPromptJudge|makeJudge)\b/;

const key = (line: number, character: number): string => `${line}:${character}`;

/** The judges of a file by the start of their `new X(…)` / `makeJudge(…)` expression (ScorerDef.range). */
export function judgeSourcesIn(text: string, file: string): Map<string, JudgeSource> {
  const out = new Map<string, JudgeSource>();
  if (!JUDGE_WORD.test(text)) return out;
  const sf = parseSource(text, file);
  const sdk = collectSdkBindings(sf);
  if (sdk.judges.size === 0 && sdk.namespaces.size === 0) return out;
  const configuresModel = /\bconfigureJudges\s*\(\s*\{[^)]*\bdefaultModel\b/.test(text);
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
      const kind = judgeRef(sdk, node.expression);
      if (kind !== null && isJudgeKind(kind)) {
        const at = sf.getLineAndCharacterOfPosition(node.getStart(sf));
        out.set(key(at.line, at.character), { kind, literals: judgeLiterals(node), configuresModel });
      }
    }
    node.forEachChild(visit);
  };
  sf.forEachChild(visit);
  return out;
}

/** Average characters per selected trace of each part a judge may put in its prompt. */
export interface TraceTextStats {
  traces: number;
  chars: Record<JudgeInputPart, number>;
}

// What the judges' rendering keeps at most (sdk/judges/render.ts).
const MAX_VALUE = 20_000;
const MAX_DOCS = 200_000;
const MAX_TRACE = 30_000;
/** Characters a span adds to a rendered `{{ trace }}` beyond its inputs/outputs (name, type, ids). */
const PER_SPAN = 150;

function statsSql(source: string, documents: boolean): string {
  const docs = documents
    ? `min(${MAX_DOCS}, (SELECT coalesce(sum(octet_length(d.outputs)), 0) FROM spans d WHERE d.trace_id = t.trace_id AND d.span_type = 'RETRIEVER'))`
    : "0";
  return `SELECT count(*) AS traces, avg(i) AS inputs, avg(o) AS outputs, avg(docs) AS documents, avg(min(${MAX_TRACE}, i + o + docs + ${PER_SPAN} * t.span_count)) AS trace
    FROM (SELECT t.*, min(${MAX_VALUE}, coalesce(octet_length(r.inputs), octet_length(t.request_preview), 0)) AS i,
                 min(${MAX_VALUE}, coalesce(octet_length(r.outputs), octet_length(t.response_preview), 0)) AS o, ${docs} AS docs
          FROM (${source}) t LEFT JOIN spans r ON r.trace_id = t.trace_id AND r.span_id = t.root_span_id) t`;
}

const COLUMNS = "trace_id, root_span_id, request_preview, response_preview, span_count";

interface StatsRow {
  traces: number;
  inputs: number | null;
  outputs: number | null;
  documents: number | null;
  trace: number | null;
}

function toStats(r: StatsRow): TraceTextStats {
  return { traces: Number(r.traces), chars: { inputs: r.inputs ?? 0, outputs: r.outputs ?? 0, documents: r.documents ?? 0, trace: r.trace ?? 0 } };
}

/** Sizes of the newest `n` app traces (what "last N" would score). */
export function lastNStats(db: Db, n: number, documents: boolean): TraceTextStats {
  const source = `SELECT ${COLUMNS} FROM traces WHERE ${appTraceSql()} ORDER BY start_ms DESC, trace_id DESC LIMIT ?`;
  return toStats(db.prepare(statsSql(source, documents)).get(n) as StatsRow);
}

/** Sizes of these traces (missing ones are not counted). */
export function idStats(db: Db, ids: readonly string[], documents: boolean): TraceTextStats {
  const source = `SELECT ${COLUMNS} FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))`;
  return toStats(db.prepare(statsSql(source, documents)).get(JSON.stringify(ids)) as StatsRow);
}

/**
 * The default model the server's judges call (SCORELENS_JUDGE_*), or null. With the VS Code
 * provider it is the selector's label (`vscode:copilot/gpt-4o`): those calls are not billed per
 * token, so they get no cost.
 */
export function defaultJudgeModelName(): string | null {
  if (process.env.SCORELENS_JUDGE_PROVIDER?.trim().toLowerCase() === "vscode") return vscodeSelectorLabel(parseVSCodeModelSelector(process.env.SCORELENS_JUDGE_VSCODE_MODEL ?? ""));
  return judgeModelFromEnv()?.model ?? null;
}

/** Models that are not billed per token (VS Code's language models). */
export function isUnpricedModel(model: string | null): boolean {
  return model !== null && model.startsWith("vscode:");
}

/** The estimate for `traces` traces of these sizes. */
export function estimateJudgeRun(judge: JudgeSource, stats: TraceTextStats, traces: number, defaultModel: string | null): JudgeRunEstimate {
  const profile = judgeCostProfile(judge.kind, judge.literals);
  const reads = profile.reads ?? ["inputs", "outputs"];
  const avgInputChars = stats.traces > 0 ? reads.reduce((sum, part) => sum + stats.chars[part], 0) : DEFAULT_AVG_INPUT_CHARS;
  const model = judge.literals.modelGiven ? judge.literals.model : defaultModel;
  const modelSet = judge.literals.modelGiven || defaultModel !== null || judge.configuresModel;
  const e = estimateFromProfile(profile, model, { traces, avgInputChars: Math.round(avgInputChars) });
  const costUsd = isUnpricedModel(model) ? null : e.costUsd;
  return JudgeRunEstimate.parse({ traces, calls: e.calls, inputTokens: e.inputTokens, outputTokens: e.outputTokens, totalTokens: e.totalTokens, costUsd, model, modelSet });
}

const STATS_TTL_MS = 10_000;
/** The store's running trace/span counts (a one-row read): the sizes cache's key. */
const storeCounts = new WeakMap<Db, Statement>();

/** Estimates for one store; the per-selection sizes are cached until the store changes. */
export class JudgeCostEstimator {
  private readonly files = new Map<string, { text: string; judges: Map<string, JudgeSource> }>();
  private readonly stats = new Map<string, { at: number; stats: TraceTextStats }>();
  private storeKey = "";

  constructor(
    private readonly db: () => Db | null,
    private readonly defaultModel: () => string | null = defaultJudgeModelName,
  ) {}

  /** The judge `def` is, per its file's current text; null when it is not one of the SDK's judges. */
  judgeOf(def: ScorerDef, text: string): JudgeSource | null {
    let f = this.files.get(def.file);
    if (!f || f.text !== text) {
      f = { text, judges: judgeSourcesIn(text, def.file) };
      this.files.set(def.file, f);
      if (this.files.size > 50) this.files.delete(this.files.keys().next().value as string);
    }
    return f.judges.get(key(def.range.startLine, def.range.startCharacter)) ?? null;
  }

  forget(file: string): void {
    this.files.delete(file);
  }

  private cached(cacheKey: string, db: Db, read: () => TraceTextStats): TraceTextStats {
    let counts = storeCounts.get(db);
    if (!counts) {
      counts = db.prepare("SELECT trace_count || ':' || span_count FROM store_stats WHERE id = 1").pluck();
      storeCounts.set(db, counts);
    }
    const key = counts.get() as string | undefined;
    if (key !== this.storeKey) {
      this.storeKey = key ?? "";
      this.stats.clear();
    }
    const now = Date.now();
    const hit = this.stats.get(cacheKey);
    if (hit && now - hit.at < STATS_TTL_MS) return hit.stats;
    const stats = read();
    this.stats.set(cacheKey, { at: now, stats });
    if (this.stats.size > 100) this.stats.delete(this.stats.keys().next().value as string);
    return stats;
  }

  private needsDocs(judge: JudgeSource): boolean {
    return (judgeCostProfile(judge.kind, judge.literals).reads ?? []).includes("documents");
  }

  /** "Run on last N traces": null without a store. */
  lastN(judge: JudgeSource, n: number): JudgeRunEstimate | null {
    const db = this.db();
    if (!db) return null;
    const docs = this.needsDocs(judge);
    const stats = this.cached(`lastN:${n}:${docs}`, db, () => lastNStats(db, n, docs));
    return estimateJudgeRun(judge, stats, stats.traces, this.defaultModel());
  }

  /** One trace of the recent ones (for choices whose size is not known yet). */
  perTrace(judge: JudgeSource): JudgeRunEstimate | null {
    const db = this.db();
    if (!db) return null;
    return estimateJudgeRun(judge, this.recent(judge, db), 1, this.defaultModel());
  }

  private recent(judge: JudgeSource, db: Db): TraceTextStats {
    const docs = this.needsDocs(judge);
    return this.cached(`lastN:100:${docs}`, db, () => lastNStats(db, 100, docs));
  }

  /** Any selection (a dataset: its rows, sized like the recent traces); null when it can't be resolved. */
  selection(judge: JudgeSource, s: TraceSelection): JudgeRunEstimate | null {
    if (s.kind === "lastN") return this.lastN(judge, s.n);
    const db = this.db();
    if (!db) return null;
    const docs = this.needsDocs(judge);
    try {
      const targets = resolveTargets(db, s);
      if (s.kind === "dataset") return estimateJudgeRun(judge, this.recent(judge, db), targets.ids.length, this.defaultModel());
      const stats = this.cached(`ids:${JSON.stringify(s)}:${docs}`, db, () => idStats(db, targets.ids, docs));
      return estimateJudgeRun(judge, stats, stats.traces, this.defaultModel());
    } catch {
      return null;
    }
  }
}
