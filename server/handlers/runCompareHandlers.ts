/**
 * "scorelens/compareRuns" and "scorelens/previousRun" over LSP. Wiring only: the logic is in
 * server/scorers/runCompare.ts and protocol/runDiff.ts.
 */
import type { Connection } from "vscode-languageserver/node";
import { CompareRunsRequest, PreviousRunRequest } from "../../protocol/runDiff";
import { handleRequest } from "../lspBinding";
import { RunCompare } from "../scorers/runCompare";
import type { Db } from "../store/db";

export function registerRunCompareHandlers(connection: Connection, getDb: () => Db | null): void {
  let cached: { db: Db; compare: RunCompare } | null = null;
  const compare = (): RunCompare => {
    const db = getDb();
    if (!db) throw new Error("the trace server is still starting");
    if (cached?.db !== db) cached = { db, compare: new RunCompare(db) };
    return cached.compare;
  };
  handleRequest(connection, CompareRunsRequest, (p) =>
    compare().compare(p.headRunId, p.baseRunId, {
      ...(p.threshold !== undefined ? { threshold: p.threshold } : {}),
      ...(p.lowerIsBetter ? { lowerIsBetter: p.lowerIsBetter } : {}),
    }),
  );
  handleRequest(connection, PreviousRunRequest, (p) => ({ run: compare().previousRunOf(p.runId) }));
}
