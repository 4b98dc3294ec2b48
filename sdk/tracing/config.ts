/**
 * SDK configuration: defaults from the environment, overridden by {@link configure}.
 *
 * Endpoint resolution ({@link resolveEndpoint}), first match wins:
 * 1. `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, used as-is (OTel spec for signal-specific endpoints);
 * 2. `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` (not appended again if the URL already ends with it);
 * 3. `SCORELENS_OTLP_ENDPOINT`, as-is, unless it has no path (then `/v1/traces` is appended);
 * 4. `http://127.0.0.1:4318/v1/traces` (the ScoreLens server's default port).
 *
 * Headers: `OTEL_EXPORTER_OTLP_HEADERS`, then `OTEL_EXPORTER_OTLP_TRACES_HEADERS` on top, each
 * `k=v,k2=v2` with URL-encoded keys and values.
 *
 * `SCORELENS_TRACING_DISABLED=1` (or `true`/`yes`) disables tracing.
 */
import { log } from "../log";

export type Env = Readonly<Record<string, string | undefined>>;

export type ResourceAttributeValue = string | number | boolean;

export interface TracingConfig {
  /** Full OTLP/HTTP traces URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
  endpoint: string;
  /** Extra HTTP headers sent with every export (e.g. authorization). */
  headers: Record<string, string>;
  /** Resource attribute `service.name`. */
  serviceName: string;
  /** Extra resource attributes (from `OTEL_RESOURCE_ATTRIBUTES` and configure). */
  resourceAttributes: Record<string, ResourceAttributeValue>;
  /** When false every API is a no-op (wrapped functions still run). */
  enabled: boolean;
  /** Spans per export request; a full batch is sent right away. */
  batchSize: number;
  /** Longest time an ended span waits before being exported. */
  flushIntervalMs: number;
  /** Ended spans kept while waiting for export; more are dropped. */
  maxQueueSize: number;
  /** Retries of a failed export (429/502/503/504 or network error) before the batch is dropped. */
  maxRetries: number;
  /** Per-request timeout. */
  exportTimeoutMs: number;
  /** Longest wait between retries; a longer `Retry-After` drops the batch instead. */
  maxRetryDelayMs: number;
  /** Gzip request bodies. */
  compression: "none" | "gzip";
  /** Longest JSON text kept for one inputs/outputs/attribute value; longer values become a truncation marker. */
  maxValueChars: number;
  /**
   * Source location attributes (`code.function.name`, `code.file.path`, `code.line.number`, `code.column.number`):
   * - `"definition"` (default): `trace()` records where the function was wrapped, captured once per wrapper (free per call);
   * - `"all"`: also the caller of every `withSpan()` / `startSpan()` (one stack frame per call, a few µs each);
   * - `"none"`: never.
   */
  captureCallSite: CallSiteMode;
}

export type CallSiteMode = "definition" | "all" | "none";

export type ConfigureOptions = Partial<TracingConfig>;

export const DEFAULT_ENDPOINT = "http://127.0.0.1:4318/v1/traces";
const TRACES_PATH = "/v1/traces";

function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function appendTracesPath(base: string): string {
  const stripped = base.replace(/\/+$/, "");
  return stripped.endsWith(TRACES_PATH) ? stripped : `${stripped}${TRACES_PATH}`;
}

function hasPath(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.pathname !== "" && parsed.pathname !== "/";
  } catch {
    return true;
  }
}

/** The OTLP traces URL for an environment (pure; see the module doc for the order). */
export function resolveEndpoint(env: Env): string {
  const traces = nonEmpty(env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
  if (traces !== undefined) return traces;
  const base = nonEmpty(env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
  if (base !== undefined) return appendTracesPath(base);
  const scorelens = nonEmpty(env["SCORELENS_OTLP_ENDPOINT"]);
  if (scorelens !== undefined) return hasPath(scorelens) ? scorelens : appendTracesPath(scorelens);
  return DEFAULT_ENDPOINT;
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** Parses `k=v,k2=v2` (OTel header / resource list syntax, URL-encoded). Malformed entries are skipped. */
export function parseKeyValueList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = decode(part.slice(0, eq).trim());
    const value = decode(part.slice(eq + 1).trim());
    if (key === null || value === null || key === "") continue;
    out[key] = value;
  }
  return out;
}

/** Export headers for an environment (pure). */
export function resolveHeaders(env: Env): Record<string, string> {
  return {
    ...parseKeyValueList(env["OTEL_EXPORTER_OTLP_HEADERS"]),
    ...parseKeyValueList(env["OTEL_EXPORTER_OTLP_TRACES_HEADERS"]),
  };
}

function isTruthy(value: string | undefined): boolean {
  if (value === undefined) return false;
  const normalized = value.trim().toLowerCase();
  return normalized === "1" || normalized === "true" || normalized === "yes" || normalized === "on";
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

/** Configuration derived from an environment only (pure). */
export function configFromEnv(env: Env): TracingConfig {
  const resource = parseKeyValueList(env["OTEL_RESOURCE_ATTRIBUTES"]);
  const serviceName = nonEmpty(env["OTEL_SERVICE_NAME"]) ?? resource["service.name"] ?? "unknown_service:node";
  delete resource["service.name"];
  const compression = nonEmpty(env["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"] ?? env["OTEL_EXPORTER_OTLP_COMPRESSION"]);
  return {
    endpoint: resolveEndpoint(env),
    headers: resolveHeaders(env),
    serviceName,
    resourceAttributes: resource,
    enabled: !isTruthy(env["SCORELENS_TRACING_DISABLED"]),
    batchSize: 512,
    flushIntervalMs: 200,
    maxQueueSize: 8192,
    maxRetries: 3,
    exportTimeoutMs: positiveInt(env["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] ?? env["OTEL_EXPORTER_OTLP_TIMEOUT"]) ?? 10_000,
    maxRetryDelayMs: 30_000,
    compression: compression === "gzip" ? "gzip" : "none",
    maxValueChars: 1_000_000,
    captureCallSite: "definition",
  };
}

let current: TracingConfig | null = null;
const listeners = new Set<(config: Readonly<TracingConfig>) => void>();

/** The active configuration (environment defaults until {@link configure} is called). Do not mutate it: use {@link configure}. */
export function getConfig(): Readonly<TracingConfig> {
  current ??= configFromEnv(process.env);
  return current;
}

/** @internal Called whenever the configuration changes. */
export function onConfigChange(listener: (config: Readonly<TracingConfig>) => void): void {
  listeners.add(listener);
}

type NumericKey = "batchSize" | "flushIntervalMs" | "maxQueueSize" | "maxRetries" | "exportTimeoutMs" | "maxRetryDelayMs" | "maxValueChars";
const NUMERIC_MINIMUMS: Record<NumericKey, number> = {
  batchSize: 1,
  flushIntervalMs: 0,
  maxQueueSize: 1,
  maxRetries: 0,
  exportTimeoutMs: 1,
  maxRetryDelayMs: 0,
  maxValueChars: 64,
};

/**
 * Changes the configuration; unspecified fields keep their current values. Invalid numbers are
 * ignored (with a debug log). Also re-enables exporting after {@link shutdown}.
 * Returns a copy of the resulting configuration.
 */
export function configure(options: ConfigureOptions = {}): TracingConfig {
  const next: TracingConfig = { ...getConfig() };
  for (const [key, value] of Object.entries(options) as Array<[keyof TracingConfig, unknown]>) {
    if (value === undefined) continue;
    if (key in NUMERIC_MINIMUMS) {
      const minimum = NUMERIC_MINIMUMS[key as NumericKey];
      if (typeof value !== "number" || !Number.isFinite(value) || value < minimum) {
        log.warn(`configure: ignoring invalid ${key}=${String(value)}`);
        continue;
      }
      next[key as NumericKey] = Math.floor(value);
      continue;
    }
    switch (key) {
      case "endpoint":
      case "serviceName":
        if (typeof value === "string" && value.trim() !== "") next[key] = value.trim();
        else log.warn(`configure: ignoring invalid ${key}`);
        break;
      case "enabled":
        next.enabled = Boolean(value);
        break;
      case "captureCallSite":
        if (value === "definition" || value === "all" || value === "none") next.captureCallSite = value;
        else log.warn(`configure: ignoring invalid captureCallSite=${String(value)}`);
        break;
      case "compression":
        next.compression = value === "gzip" ? "gzip" : "none";
        break;
      case "headers":
        next.headers = { ...(value as Record<string, string>) };
        break;
      case "resourceAttributes":
        next.resourceAttributes = { ...(value as Record<string, ResourceAttributeValue>) };
        break;
      default:
        log.warn(`configure: unknown option ${String(key)}`);
    }
  }
  current = next;
  for (const listener of listeners) {
    try {
      listener(next);
    } catch (error) {
      log.warn("configure listener failed", error);
    }
  }
  return { ...next };
}
