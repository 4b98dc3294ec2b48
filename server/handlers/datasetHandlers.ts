/** Dataset requests over LSP: list, create from traces, import, export, delete (DatasetStore does the work). */
import type { Connection } from "vscode-languageserver/node";
import { CreateDatasetRequest, DeleteDatasetRequest, ExportDatasetRequest, ImportDatasetRequest, ListDatasetsRequest } from "../../protocol/lsp";
import { DatasetStore } from "../datasets/datasetStore";
import { handleRequest } from "../lspBinding";
import type { Db } from "../store/db";

export function registerDatasetHandlers(connection: Connection, getDb: () => Db | null): void {
  const store = (): DatasetStore => {
    const db = getDb();
    if (!db) throw new Error("the trace server is still starting");
    return new DatasetStore(db);
  };
  handleRequest(connection, ListDatasetsRequest, () => ({ datasets: store().list() }));
  handleRequest(connection, CreateDatasetRequest, (p) =>
    store().fromTraces(p.name, { traceIds: p.traceIds, ...(p.filter ? { filter: p.filter } : {}), limit: p.limit }, { replace: p.replace }),
  );
  handleRequest(connection, ImportDatasetRequest, (p) => {
    const r = store().importFile(p.name, p.file, { replace: p.replace });
    return { info: r.info, warnings: r.warnings };
  });
  handleRequest(connection, ExportDatasetRequest, (p) => store().exportFile(p.name, p.file, p.format));
  handleRequest(connection, DeleteDatasetRequest, (p) => ({ deleted: store().delete(p.name) }));
}
