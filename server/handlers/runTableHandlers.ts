/**
 * The results panel's requests: a run's columnar table (or its first rows), one full row, and
 * the text filter over full rows (server/scorers/runTable.ts). main.ts calls registerRunTableHandlers once; the store
 * may not be open yet (the server is starting), which answers with an error.
 */
import type { Connection } from "vscode-languageserver/node";
import { GetRunRowRequest, GetRunTableRequest, SearchRunRowsRequest } from "../../protocol/runTable";
import { handleRequest } from "../lspBinding";
import { RunTableReader } from "../scorers/runTable";
import type { Db } from "../store/db";

export function registerRunTableHandlers(connection: Connection, getRunsDb: () => Db | null): void {
  let reader: { db: Db; reader: RunTableReader } | null = null;
  const readerOf = (): RunTableReader => {
    const db = getRunsDb();
    if (!db) throw new Error("the trace server is still starting");
    // one reader (prepared statements) per open store
    if (reader?.db !== db) reader = { db, reader: new RunTableReader(db) };
    return reader.reader;
  };
  handleRequest(connection, GetRunTableRequest, (p) => readerOf().table(p.runId, p.maxRows, p.afterSeq ?? null));
  handleRequest(connection, GetRunRowRequest, (p) => readerOf().row(p.runId, p.seq));
  handleRequest(connection, SearchRunRowsRequest, (p) => ({ rows: readerOf().search(p.runId, p.text) }));
}
