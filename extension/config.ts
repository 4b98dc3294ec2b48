/** Reads the `scorelens.*` settings (validated with the shared zod schema) and derives server options. */
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import { Settings, SETTINGS_SECTION, type ServerInitOptions } from "../protocol/settings";
import { formatZodError } from "../protocol/descriptors";
import { log } from "./log";

export function readSettings(): Settings {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(Settings.shape)) {
    const v = cfg.get(key);
    if (v !== undefined) raw[key] = v;
  }
  const parsed = Settings.safeParse(raw);
  if (parsed.success) return parsed.data;
  log.warn(`invalid scorelens settings, using defaults where needed: ${formatZodError(parsed.error)}`);
  return Settings.parse({});
}

/**
 * One database per workspace, under the extension's global storage folder, keyed by the
 * workspace's identity. (Not `context.storageUri`: VS Code gives a second window on the same
 * workspace a different storage folder, and both windows must share one store.)
 */
export function defaultDbPath(context: vscode.ExtensionContext): string {
  const identity = vscode.workspace.workspaceFile?.toString() ?? vscode.workspace.workspaceFolders?.[0]?.uri.toString();
  const key = identity ? crypto.createHash("sha256").update(identity).digest("hex").slice(0, 16) : "no-workspace";
  return path.join(context.globalStorageUri.fsPath, "workspaces", key, "traces.db");
}

export function resolveDbPath(settings: Settings, context: vscode.ExtensionContext): string {
  const configured = settings.databasePath.trim();
  if (!configured) return defaultDbPath(context);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  const substituted = configured.replace(/\$\{workspaceFolder\}/g, folder);
  return path.isAbsolute(substituted) ? substituted : path.join(folder || context.globalStorageUri.fsPath, substituted);
}

export function serverInitOptions(context: vscode.ExtensionContext, judgeApiKey: string | null = null): ServerInitOptions {
  const s = readSettings();
  return {
    dbPath: resolveDbPath(s, context),
    otlpPort: s["otlp.port"],
    maxBodyBytes: s["otlp.maxBodyBytes"],
    allowedOrigins: s["otlp.allowedOrigins"],
    retentionMaxAgeDays: s["retention.maxAgeDays"],
    retentionMaxDatabaseMB: s["retention.maxDatabaseMB"],
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    trusted: vscode.workspace.isTrusted,
    scorerLastN: s["scorers.lastN"],
    scorerTimeoutMs: Math.round(s["scorers.timeoutSeconds"] * 1000),
    scorerMemoryLimitMB: s["scorers.memoryLimitMB"],
    maxActiveScorers: s["monitoring.maxActiveScorers"],
    judgeBaseUrl: s["judges.baseUrl"] || null,
    judgeModel: s["judges.model"] || null,
    judgeApiKey,
    judgeMaxConcurrency: s["judges.maxConcurrency"],
    judgeProvider: s["judges.provider"],
    judgeVscodeModel: s["judges.vscodeModel"],
  };
}
