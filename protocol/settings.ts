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
  "scorers.lastN": z.number().int().min(1).max(1_000_000).default(100),
  "scorers.timeoutSeconds": z.number().min(1).max(3600).default(30),
  "scorers.memoryLimitMB": z.number().int().min(64).max(16384).default(512),
  "monitoring.maxActiveScorers": z.number().int().min(1).max(1000).default(20),
  "judges.baseUrl": z.string().default(""),
  "judges.model": z.string().default(""),
  "judges.maxConcurrency": z.number().int().min(1).max(64).default(4),
  "judges.provider": z.enum(["openai", "vscode"]).default("openai"),
  "judges.vscodeModel": z.string().default(""),
});
export type Settings = z.infer<typeof Settings>;
export const SETTINGS_SECTION = "scorelens";

/** Settings whose change needs a server restart. */
export const REQUIRES_SERVER_RESTART: ReadonlyArray<keyof Settings> = [
  "databasePath",
  "otlp.port",
  "scorers.lastN",
  "scorers.timeoutSeconds",
  "scorers.memoryLimitMB",
  "monitoring.maxActiveScorers",
  "judges.baseUrl",
  "judges.model",
  "judges.maxConcurrency",
  "judges.provider",
  "judges.vscodeModel",
];

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
  /** VS Code Workspace Trust: scorer code only runs in a trusted workspace. */
  trusted: z.boolean().default(true),
  scorerLastN: z.number().int().min(1).default(100),
  scorerTimeoutMs: z.number().int().min(1000).default(30_000),
  scorerMemoryLimitMB: z.number().int().min(64).default(512),
  /** Registered scorers that may be active at once (MLflow's default is 20). */
  maxActiveScorers: z.number().int().min(1).default(20),
  /**
   * The default model of LLM judges (OpenAI-compatible endpoint). The API key comes from VS Code's
   * SecretStorage, travels only in this in-memory message, and reaches judges as an environment
   * variable of the server process: never a setting, the database or a log.
   */
  judgeBaseUrl: z.string().nullable().default(null),
  judgeModel: z.string().nullable().default(null),
  judgeApiKey: z.string().nullable().default(null),
  judgeMaxConcurrency: z.number().int().min(1).default(4),
  /**
   * The default provider of LLM judges: "openai" (the endpoint above) or "vscode" (VS Code's
   * Language Model API, through the server's bridge to the editor). Optional: absent = "openai".
   */
  judgeProvider: z.enum(["openai", "vscode"]).optional(),
  /** With "vscode": `vendor/family`, `family` or "" (any model), e.g. "copilot/gpt-4o". */
  judgeVscodeModel: z.string().optional(),
});
export type ServerInitOptions = z.infer<typeof ServerInitOptions>;
