/**
 * Scorer language features over LSP: the workspace scorer index (open documents + disk),
 * CodeLens, diagnostics with quick fixes, hover, completion, and "scorelens/listScorers".
 * Wiring only: the logic is in server/scorers/discovery (pure modules).
 */
import fs from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CodeActionKind,
  FileChangeType,
  TextDocuments,
  type CodeAction,
  type Connection,
  type Diagnostic,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { EstimateJudgeRunRequest, judgeEstimateText } from "../../protocol/judgeCost";
import { ListScorersRequest, SetTrustNotification, SetWatchesNotification } from "../../protocol/lsp";
import { runDeltaText, runSummaryText, type EvalRun, type ScorerDef } from "../../protocol/scoring";
import { log } from "../log";
import { SCORER_LENS_COMMANDS, scorerLenses, type LastRun, type Registration, type ScorerLens } from "../scorers/discovery/codeLens";
import { JudgeCostEstimator } from "../scorers/judgeCostEstimate";
import { RegistrationLenses } from "../scorers/registrationLenses";
import type { RegisteredScorer } from "../../protocol/monitoring";
import { quickFixes, scorerDiagnostics } from "../scorers/discovery/diagnostics";
import { SCORER_FILE_EXTENSIONS } from "../scorers/discovery/findScorers";
import { scorerCompletions, scorerHover } from "../scorers/discovery/hoverAndCompletion";
import { ScorerIndex } from "../scorers/discovery/workspaceIndex";
import type { RunStore } from "../scorers/runStore";
import { handleRequest } from "../lspBinding";

export interface ScorerFeaturesOptions {
  workspaceFolders: string[];
  trusted: boolean;
  lastN: number;
  /** The run store, once the trace server is up (for "last run" lenses and hovers). */
  runs: () => RunStore | null;
  /** Registered scorers, once monitoring is up (for registration lenses and hovers). */
  registered: () => readonly RegisteredScorer[] | null;
}

const isScorerFile = (file: string) => SCORER_FILE_EXTENSIONS.some((ext) => file.endsWith(ext)) && !file.endsWith(".d.ts");

function toPath(uri: string): string | null {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

export class ScorerFeatures {
  readonly index = new ScorerIndex();
  private readonly documents = new TextDocuments(TextDocument);
  private trusted: boolean;
  /** "file\0scorerName" of scorers in watch mode (names as the lens passed them: export or scorer name). */
  private watches = new Set<string>();
  private readonly drift = new RegistrationLenses(() => this.refreshAll());
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Judge cost estimates for the run lenses and the "Run on…" dialog. */
  private readonly estimator = new JudgeCostEstimator(() => this.opts.runs()?.db ?? null);

  constructor(
    private readonly connection: Connection,
    private readonly opts: ScorerFeaturesOptions,
  ) {
    this.trusted = opts.trusted;
    this.documents.listen(connection);
    this.documents.onDidChangeContent((e) => this.schedule(e.document.uri));
    this.documents.onDidClose((e) => {
      const file = toPath(e.document.uri);
      if (!file || !isScorerFile(file)) return;
      void this.index.closeDocument(file).then(() => this.refreshAll());
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });

    connection.onCodeLens((p) => {
      const file = toPath(p.textDocument.uri);
      if (!file) return [];
      const defs = this.index.byFile(file);
      const lenses = scorerLenses(defs, {
        trusted: this.trusted,
        lastN: opts.lastN,
        lastRuns: this.lastRuns(defs),
        registrations: this.registrations(defs),
        registrationEnabled: this.opts.registered() !== null,
        watched: this.watchedNames(defs),
      });
      const text = this.documents.get(p.textDocument.uri)?.getText();
      if (text !== undefined && this.trusted) this.addEstimates(lenses, defs, text);
      return lenses.map((l) => ({ range: l.range, command: { title: l.title, command: l.command, arguments: l.arguments } }));
    });
    connection.onHover((p) => {
      const file = toPath(p.textDocument.uri);
      if (!file) return null;
      const defs = this.index.byFile(file);
      const md = scorerHover(defs, p.position, this.lastRuns(defs), this.registrations(defs));
      return md ? { contents: { kind: "markdown", value: md } } : null;
    });
    connection.onCompletion((p) => {
      const doc = this.documents.get(p.textDocument.uri);
      const file = toPath(p.textDocument.uri);
      if (!doc || !file || !isScorerFile(file)) return [];
      return scorerCompletions(doc.getText(), p.position, file);
    });
    connection.onCodeAction((p) => {
      const doc = this.documents.get(p.textDocument.uri);
      if (!doc) return [];
      const actions: CodeAction[] = [];
      for (const d of p.context.diagnostics) {
        if (d.source !== "scorelens") continue;
        for (const fix of quickFixes({ range: d.range, code: typeof d.code === "string" ? d.code : "", data: d.data }, doc.getText())) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: fix.isPreferred,
            edit: { changes: { [p.textDocument.uri]: fix.edits } },
          });
        }
      }
      return actions;
    });
    connection.onDidChangeWatchedFiles((p) => {
      void (async () => {
        for (const c of p.changes) {
          const file = toPath(c.uri);
          if (!file || !isScorerFile(file) || this.documents.get(c.uri)) continue;
          if (c.type === FileChangeType.Deleted) this.index.remove(file);
          else await this.index.refreshFile(file);
        }
        this.refreshAll();
      })().catch((e: unknown) => log.warn("scorer index update failed:", e));
    });
    connection.onNotification(SetTrustNotification.method, (raw: unknown) => {
      const parsed = SetTrustNotification.params.safeParse(raw);
      if (!parsed.success) return;
      this.trusted = parsed.data.trusted;
      this.refreshAll();
    });
    connection.onNotification(SetWatchesNotification.method, (raw: unknown) => {
      const parsed = SetWatchesNotification.params.safeParse(raw);
      if (!parsed.success) return;
      this.watches = new Set(parsed.data.scorers.map((s) => `${s.file}\0${s.scorerName}`));
      this.refreshAll();
    });
    handleRequest(connection, ListScorersRequest, () => ({ scorers: this.index.all() }));
    handleRequest(connection, EstimateJudgeRunRequest, (p) => {
      const def = this.index.byFile(p.file).find((d) => d.exportName === p.scorerName) ?? this.index.byFile(p.file).find((d) => d.name === p.scorerName);
      const text = def ? this.textOf(def.file) : null;
      const judge = def && text !== null ? this.estimator.judgeOf(def, text) : null;
      if (!judge) return { judge: false, estimates: [], perTrace: null };
      return { judge: true, estimates: p.selections.map((s) => this.estimator.selection(judge, s)), perTrace: this.estimator.perTrace(judge) };
    });
  }

  /** An open document's text, else the file's on disk. */
  private textOf(file: string): string | null {
    const doc = this.documents.get(this.uriOf(file));
    if (doc) return doc.getText();
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return null;
    }
  }

  /** Appends the judge cost estimate to the "▶ Run on last N traces" lens of each SDK judge. */
  private addEstimates(lenses: ScorerLens[], defs: readonly ScorerDef[], text: string): void {
    for (const lens of lenses) {
      if (lens.command !== SCORER_LENS_COMMANDS.run) continue;
      const [, runName, target] = lens.arguments as [string, string, { kind: string; n: number }];
      const def = defs.find((d) => (d.exportName ?? d.name) === runName);
      if (!def || target?.kind !== "lastN") continue;
      try {
        const judge = this.estimator.judgeOf(def, text);
        const estimate = judge ? this.estimator.lastN(judge, target.n) : null;
        if (estimate) lens.title = `${lens.title} · ${judgeEstimateText(estimate)}`;
      } catch (e) {
        log.warn(`judge cost estimate for ${def.name} failed:`, e);
      }
    }
  }

  /** Walks the workspace once at startup; open documents are indexed as they open. */
  async start(): Promise<void> {
    const t0 = Date.now();
    const report = await this.index.indexFolders(this.opts.workspaceFolders);
    log.info(`scorer index: ${this.index.all().length} scorer(s) in ${Date.now() - t0} ms`, report.warnings.length ? report.warnings.join("; ") : "");
    this.refreshAll();
  }

  private registrations(defs: readonly ScorerDef[]): Map<string, Registration> {
    const registered = this.opts.registered();
    return registered && registered.length > 0 ? this.drift.forDefs(defs, registered) : new Map();
  }

  private watchedNames(defs: readonly ScorerDef[]): Set<string> {
    const out = new Set<string>();
    for (const d of defs) if (this.watches.has(`${d.file}\0${d.exportName ?? d.name}`) || this.watches.has(`${d.file}\0${d.name}`)) out.add(d.name);
    return out;
  }

  /**
   * The newest run of each scorer of a file, by scorer name (runs are recorded under the export
   * name the lens passed), with its change from the run before it on the same selection.
   */
  private lastRuns(defs: readonly ScorerDef[]): Map<string, LastRun> {
    const out = new Map<string, LastRun>();
    const store = this.opts.runs();
    if (!store || defs.length === 0) return out;
    const runs = store.list(200);
    for (const d of defs) {
      const mine = (x: EvalRun) => x.scorers.some((s) => s.file === d.file && (s.name === d.exportName || s.name === d.name));
      const r = runs.find(mine);
      if (!r) continue;
      const selection = JSON.stringify(r.selection);
      const previous = runs.find((x) => x !== r && x.startedMs <= r.startedMs && x.status !== "failed" && mine(x) && JSON.stringify(x.selection) === selection);
      out.set(d.name, { runId: r.runId, summary: runSummaryText({ ...r, aggregates: aggregatesOf(r, d).aggregates }), delta: r.status === "failed" ? null : runDeltaText(aggregatesOf(r, d), previous ? aggregatesOf(previous, d) : null) });
    }
    return out;
  }

  private schedule(uri: string): void {
    const t = this.pending.get(uri);
    if (t) clearTimeout(t);
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        this.reindexDocument(uri);
      }, 150),
    );
  }

  private reindexDocument(uri: string): void {
    const doc = this.documents.get(uri);
    const file = toPath(uri);
    if (!doc || !file || !isScorerFile(file)) return;
    this.index.update(file, doc.getText());
    this.refreshAll();
  }

  private publish(uri: string): void {
    const doc = this.documents.get(uri);
    const file = toPath(uri);
    if (!doc || !file || !isScorerFile(file)) return;
    const text = doc.getText();
    const analysis = this.index.analysisFor(file, text);
    const diagnostics: Diagnostic[] = scorerDiagnostics(this.index.byFile(file), text, file, this.index, ...(analysis ? [analysis] : []));
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }

  /** Re-publishes diagnostics of open documents (names are workspace-wide) and refreshes lenses. */
  refreshAll(): void {
    for (const d of this.documents.all()) this.publish(d.uri);
    void this.connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
  }

  uriOf(file: string): string {
    return pathToFileURL(file).toString();
  }
}

/** A run's aggregates and errors as they concern one scorer (a run may hold several). */
function aggregatesOf(run: EvalRun, def: ScorerDef): Pick<EvalRun, "aggregates" | "errorCount"> {
  if (run.scorers.length <= 1) return run;
  const own = run.aggregates.filter((a) => a.assessment === def.name || a.assessment === def.exportName);
  return { aggregates: own, errorCount: run.errorCount };
}
