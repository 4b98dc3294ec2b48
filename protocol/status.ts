/** Server health, as pushed by the server and shown by the status bar item and status panel. */
import { z } from "zod";

export const ServerHealth = z.enum(["starting", "ready", "attached", "error"]);
export type ServerHealth = z.infer<typeof ServerHealth>;

export const ServerStatus = z.object({
  health: ServerHealth,
  /** One human sentence: what is going on, or what went wrong and what to do. */
  message: z.string(),
  /** The OTLP/HTTP port traces should be sent to (this server's, or the owning server's when attached). */
  otlpPort: z.number().int().nullable(),
  /** The OTLP endpoint URL apps should export to. */
  otlpEndpoint: z.string().nullable(),
  /** Set when the configured port was taken and another one was used. */
  portNote: z.string().nullable(),
  dbPath: z.string(),
  /** Process id of this server. */
  pid: z.number().int(),
  /** When attached: the pid of the server that owns the OTLP port for this database. */
  ownerPid: z.number().int().nullable(),
  version: z.string(),
  nodeVersion: z.string(),
  sqliteVersion: z.string().nullable(),
  traceCount: z.number().int(),
  spanCount: z.number().int(),
  /** Spans accepted since this server started. */
  spansIngested: z.number().int(),
  startedAtMs: z.number(),
});
export type ServerStatus = z.infer<typeof ServerStatus>;
