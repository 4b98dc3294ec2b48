/**
 * Watch mode: a scorer toggled from its lens re-runs on the same selection each time its file is
 * saved, so the write → run → look loop is one keystroke. The set survives reloads (workspace
 * state) and is sent to the server, whose lenses show "Watching" and the change from the run
 * before. Saves while a watched run is going queue one more run, not one per save.
 */
import * as vscode from "vscode";
import { SetWatchesNotification } from "../../protocol/lsp";
import { type ScorerRef, TraceSelection } from "../../protocol/scoring";
import { z } from "zod";
import { log } from "../log";
import type { ServerClient } from "../serverClient";

const Watch = z.object({ file: z.string(), scorerName: z.string(), selection: TraceSelection });
type Watch = z.infer<typeof Watch>;
const STATE_KEY = "scorelens.watches.v1";

/** Runs the scorers; `panelKey` keeps one results tab per watched file (it switches to each new run). */
export type RunWatched = (scorers: ScorerRef[], selection: TraceSelection, panelKey: string) => Promise<unknown>;

export class WatchMode implements vscode.Disposable {
  private watches: Watch[];
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: ServerClient,
    private readonly runWatched: RunWatched,
  ) {
    const saved = z.array(Watch).safeParse(context.workspaceState.get(STATE_KEY));
    this.watches = saved.success ? saved.data : [];
    this.disposables.push(vscode.workspace.onDidSaveTextDocument((doc) => this.saved(doc.uri.fsPath)));
  }

  /** Sends the set to the server (at start and after a server restart). */
  sync(): void {
    if (!this.client.isReady) return;
    void this.client.notify(SetWatchesNotification, { scorers: this.watches.map((w) => ({ file: w.file, scorerName: w.scorerName })) });
  }

  isWatched(file: string, scorerName: string): boolean {
    return this.watches.some((w) => w.file === file && w.scorerName === scorerName);
  }

  /** Turns watch mode on (running once now, so the next save has a run to compare with) or off. */
  async toggle(file: string, scorerName: string, selection: TraceSelection): Promise<void> {
    if (this.isWatched(file, scorerName)) {
      this.watches = this.watches.filter((w) => !(w.file === file && w.scorerName === scorerName));
      await this.persist();
      void vscode.window.setStatusBarMessage(`ScoreLens: stopped watching ${scorerName}`, 4000);
      return;
    }
    this.watches.push({ file, scorerName, selection });
    await this.persist();
    void vscode.window.setStatusBarMessage(`ScoreLens: watching ${scorerName} — it re-runs each time ${vscode.workspace.asRelativePath(file)} is saved`, 6000);
    await this.runGroup(file);
  }

  private async persist(): Promise<void> {
    await this.context.workspaceState.update(STATE_KEY, this.watches);
    this.sync();
  }

  private saved(file: string): void {
    if (!this.watches.some((w) => w.file === file)) return;
    void this.runGroup(file);
  }

  /** One run per selection of the file's watched scorers; a save during a run queues one more. */
  private async runGroup(file: string): Promise<void> {
    if (this.running.has(file)) {
      this.again.add(file);
      return;
    }
    this.running.add(file);
    try {
      const bySelection = new Map<string, Watch[]>();
      for (const w of this.watches.filter((x) => x.file === file)) {
        const key = JSON.stringify(w.selection);
        bySelection.set(key, [...(bySelection.get(key) ?? []), w]);
      }
      for (const group of bySelection.values()) {
        const first = group[0];
        if (!first) continue;
        await this.runWatched(
          group.map((w) => ({ file: w.file, scorerName: w.scorerName })),
          first.selection,
          `watch:${file}`,
        );
      }
    } catch (e) {
      log.error("watch-mode run failed:", e);
    } finally {
      this.running.delete(file);
      if (this.again.delete(file)) void this.runGroup(file);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
