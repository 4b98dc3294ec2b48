/**
 * The `scorelens.*` settings: one zod schema with the defaults. package.json's
 * contributes.configuration is the editor-facing schema; a unit test keeps the two in step.
 */
import { z } from "zod";

export const Settings = z.object({
  databasePath: z.string().default(""),
  "otlp.port": z.number().int().min(0).max(65535).default(4318),
  "otlp.maxBodyBytes": z.number().int().min(1024).default(64 * 1024 * 1024),
  "otlp.allowedOrigins": z.array(z.string()).default([]),
  "retention.maxAgeDays": z.number().min(0).default(30),
  "retention.maxDatabaseMB": z.number().min(0).default(2048),
});
export type Settings = z.infer<typeof Settings>;
export const SETTINGS_SECTION = "scorelens";

/** Settings whose change needs a server restart. */
export const REQUIRES_SERVER_RESTART: ReadonlyArray<keyof Settings> = ["databasePath", "otlp.port"];

/** Options the extension passes to the server at startup (LSP initializationOptions). */
export const ServerInitOptions = z.object({
  dbPath: z.string().min(1),
  otlpPort: z.number().int().min(0).max(65535),
  maxBodyBytes: z.number().int().min(1024),
  allowedOrigins: z.array(z.string()),
  retentionMaxAgeDays: z.number().min(0),
  retentionMaxDatabaseMB: z.number().min(0),
  /** Workspace folders (fs paths) the server may index. */
  workspaceFolders: z.array(z.string()),
});
export type ServerInitOptions = z.infer<typeof ServerInitOptions>;
