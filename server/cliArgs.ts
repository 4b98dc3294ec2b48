/** Argument parsing and help text for the `scorelens` CLI. Pure. */
import { parseArgs } from "node:util";
import { DATASET_FORMATS, type DatasetFormat } from "../protocol/datasets";
import { parseThreshold, ThresholdSyntaxError, type ThresholdSpec } from "./eval/thresholds";
import { MONITORING_HELP, MonitoringUsageError, parseMonitoringArgs, type MonitoringCliCommand } from "./monitoring/cliArgs";
import { bareTraceId } from "../protocol/format";

export const EVAL_HELP = `  scorelens eval --scorers GLOB... [--last N | --filter FILTER [--last N] | --dataset NAME | --data FILE]
                 [--json FILE|-] [--junit FILE] [--fail-under METRIC=N]... [--fail-over METRIC=N]... [--timeout SECONDS] [--db PATH]
      Run scorers (files or globs; also as positional arguments) over stored traces, a stored dataset, or a
      dataset file, print the aggregates, write a JSON report and/or JUnit XML, and exit 1 when a threshold
      fails. METRIC is ASSESSMENT/STAT (mean, min, max, median, variance, p90, pass_rate, errors) or errors;
      e.g. --fail-under relevance/mean=0.8 --fail-under correct/pass_rate=90% --fail-over errors=0.
      Without a selection: the last 100 traces.`;

export const HELP = `scorelens — local traces and scorers for LLM apps

Usage:
  scorelens serve [--db PATH] [--port N] [--max-body-bytes N] [--allow-origin ORIGIN]...
      Run the trace server headless: OTLP/HTTP receiver on 127.0.0.1 (POST /v1/traces) and the SQLite store.
      --db defaults to ./.scorelens/traces.db; --port defaults to 4318 (0 = any free port).
      Also monitors with the registered scorers (--max-active-scorers N, default 20).
  scorelens traces [--db PATH] [--last N] [--json]
      List the newest traces.
  scorelens trace ID [--db PATH] [--json]
      Show one trace with its spans.
  scorelens import FILE... [--db PATH]
      Import trace files: MLflow trace JSON (trace.to_json(), a list of them, or JSONL), OTLP JSON/JSONL,
      or a binary OTLP protobuf request. Re-importing is harmless (spans are stored once).
  scorelens export [--db PATH] [--last N] [--trace ID]... [--filter FILTER] [--jsonl]
      Write traces as MLflow-compatible trace JSON (a list; one per line with --jsonl) to stdout.
      FILTER uses MLflow's filter_string syntax, e.g. "trace.status = 'ERROR' AND span.type = 'TOOL'".
  scorelens datasets list [--db PATH] [--json]
  scorelens datasets show NAME [--offset N] [--limit N] [--json]
  scorelens datasets create NAME [--from-filter FILTER] [--trace-ids ID,ID...] [--limit N] [--description TEXT] [--replace]
      A dataset from stored traces: inputs/outputs of the root span, expectations from the traces'
      expectation assessments. --limit caps the traces the filter adds (default 1000).
  scorelens datasets import NAME FILE [--format json|jsonl|csv] [--description TEXT] [--replace]
      Rows {inputs, outputs?, expectations?, trace_id?, tags?} from JSON, JSONL or CSV (see docs/datasets.md).
      A bad row refuses the whole file.
  scorelens datasets export NAME FILE|- [--format json|jsonl|csv]
  scorelens datasets delete NAME
${EVAL_HELP}
${MONITORING_HELP}
  scorelens --help | --version

Environment:
  SCORELENS_DB          default for --db
  SCORELENS_LOG_LEVEL   debug for verbose logs (stderr)
`;

export type CliCommand =
  | { cmd: "help" }
  | { cmd: "version" }
  | { cmd: "serve"; db: string; port: number; maxBodyBytes: number; allowedOrigins: string[]; retentionDays: number; retentionMB: number; maxActiveScorers: number }
  | { cmd: "traces"; db: string; last: number; json: boolean }
  | { cmd: "trace"; db: string; id: string; json: boolean }
  | { cmd: "import"; db: string; files: string[] }
  | { cmd: "export"; db: string; last: number; traceIds: string[]; filter: string | null; jsonl: boolean }
  | { cmd: "datasets"; db: string; command: DatasetsCommand }
  | EvalCliOptions
  | MonitoringCliCommand;

/** `scorelens datasets …` subcommands. */
export type DatasetsCommand =
  | { sub: "list"; json: boolean }
  | { sub: "show"; name: string; offset: number; limit: number; json: boolean }
  | { sub: "create"; name: string; filter: string | null; traceIds: string[]; limit: number; description: string | null; replace: boolean; json: boolean }
  | { sub: "import"; name: string; file: string; format: DatasetFormat | null; description: string | null; replace: boolean; json: boolean }
  | { sub: "export"; name: string; file: string; format: DatasetFormat | null }
  | { sub: "delete"; name: string; json: boolean };

export class UsageError extends Error {
  readonly reason = "usage";
  static is(e: unknown): e is UsageError {
    return e instanceof UsageError;
  }
}

function intArg(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got "${v}"`);
  return n;
}

function formatArg(v: string | undefined): DatasetFormat | null {
  if (v === undefined) return null;
  const f = DATASET_FORMATS.find((x) => x === v.toLowerCase());
  if (!f) throw new UsageError(`--format must be one of ${DATASET_FORMATS.join(", ")}, got "${v}"`);
  return f;
}

function parseDatasets(args: string[], defaultDb: string): CliCommand | { cmd: "help" } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: "string" },
        json: { type: "boolean" },
        offset: { type: "string" },
        limit: { type: "string" },
        "from-filter": { type: "string" },
        "trace-ids": { type: "string", multiple: true },
        description: { type: "string" },
        replace: { type: "boolean" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError(`datasets: ${e instanceof Error ? e.message : String(e)}`);
  }
  const v = parsed.values;
  if (v.help) return { cmd: "help" };
  const [sub, ...pos] = parsed.positionals;
  const json = v.json ?? false;
  const need = (n: number, usage: string): string[] => {
    if (pos.length !== n) throw new UsageError(`datasets ${sub}: expected ${usage}, got ${pos.length === 0 ? "nothing" : pos.map((p) => JSON.stringify(p)).join(" ")}`);
    return pos;
  };
  const command = ((): DatasetsCommand => {
    switch (sub) {
      case "list":
        need(0, "no arguments");
        return { sub, json };
      case "show":
        return { sub, name: need(1, "NAME")[0] as string, offset: intArg("offset", v.offset, 0, 0, 10_000_000), limit: intArg("limit", v.limit, 20, 1, 1_000_000), json };
      case "create": {
        const [name] = need(1, "NAME");
        const traceIds = (v["trace-ids"] ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");
        const filter = v["from-filter"] ?? null;
        if (filter === null && traceIds.length === 0) throw new UsageError("datasets create: give --from-filter FILTER and/or --trace-ids ID,ID...");
        const limit = intArg("limit", v.limit, 1000, 1, 1_000_000);
        return { sub, name: name as string, filter, traceIds, limit, description: v.description ?? null, replace: v.replace ?? false, json };
      }
      case "import": {
        const [name, file] = need(2, "NAME FILE");
        return { sub, name: name as string, file: file as string, format: formatArg(v.format), description: v.description ?? null, replace: v.replace ?? false, json };
      }
      case "export": {
        const [name, file] = need(2, "NAME FILE (or - for stdout)");
        const format = formatArg(v.format);
        if (file === "-" && format === null) throw new UsageError("datasets export: writing to stdout (-) needs --format json|jsonl|csv");
        return { sub, name: name as string, file: file as string, format };
      }
      case "delete":
        return { sub, name: need(1, "NAME")[0] as string, json };
      default:
        throw new UsageError(`datasets: ${sub === undefined ? "missing subcommand" : `unknown subcommand "${sub}"`}; expected list, show, create, import, export or delete`);
    }
  })();
  return { cmd: "datasets", db: v.db ?? defaultDb, command };
}

export function parseCli(argv: string[], env: Record<string, string | undefined>): CliCommand {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") return { cmd: "help" };
  if (cmd === "--version" || cmd === "-v") return { cmd: "version" };
  const defaultDb = env.SCORELENS_DB ?? ".scorelens/traces.db";
  if (cmd === "datasets") return parseDatasets(rest, defaultDb);
  if (cmd === "eval") return parseEvalArgs(rest, env);
  if (cmd === "scorers" || cmd === "backfill") {
    try {
      return parseMonitoringArgs(cmd, rest, defaultDb);
    } catch (e) {
      if (e instanceof MonitoringUsageError) throw new UsageError(e.message);
      throw e;
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: "string" },
        port: { type: "string" },
        "max-body-bytes": { type: "string" },
        "allow-origin": { type: "string", multiple: true },
        "retention-days": { type: "string" },
        "retention-mb": { type: "string" },
        "max-active-scorers": { type: "string" },
        last: { type: "string" },
        json: { type: "boolean" },
        jsonl: { type: "boolean" },
        trace: { type: "string", multiple: true },
        filter: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  if (v.help) return { cmd: "help" };
  const db = v.db ?? defaultDb;
  switch (cmd) {
    case "serve":
      return {
        cmd: "serve",
        db,
        port: intArg("port", v.port, 4318, 0, 65535),
        maxBodyBytes: intArg("max-body-bytes", v["max-body-bytes"], 64 * 1024 * 1024, 1024, 2 ** 31 - 1),
        allowedOrigins: v["allow-origin"] ?? [],
        retentionDays: intArg("retention-days", v["retention-days"], 30, 0, 100_000),
        retentionMB: intArg("retention-mb", v["retention-mb"], 2048, 0, 10_000_000),
        maxActiveScorers: intArg("max-active-scorers", v["max-active-scorers"], 20, 1, 1000),
      };
    case "traces":
      return { cmd: "traces", db, last: intArg("last", v.last, 20, 1, 100_000), json: v.json ?? false };
    case "trace": {
      const id = parsed.positionals[0];
      if (!id) throw new UsageError("trace: missing trace ID (scorelens trace ID)");
      return { cmd: "trace", db, id: bareTraceId(id), json: v.json ?? false };
    }
    case "import":
      if (parsed.positionals.length === 0) throw new UsageError("import: name at least one FILE");
      return { cmd: "import", db, files: parsed.positionals };
    case "export":
      return {
        cmd: "export",
        db,
        last: intArg("last", v.last, 100, 1, 10_000_000),
        traceIds: (v.trace ?? []).map(bareTraceId),
        filter: v.filter ?? null,
        jsonl: v.jsonl ?? false,
      };
    default:
      throw new UsageError(`unknown command "${cmd}"; run scorelens --help`);
  }
}

// ─── eval ─────────────────────────────────────────────────────────────────────────────────────



/** What `scorelens eval` scores. */
export type EvalSelectionArg =
  | { kind: "lastN"; n: number }
  | { kind: "filter"; filter: string; limit: number }
  | { kind: "dataset"; name: string }
  /** A dataset file (JSON / JSONL / CSV) scored without storing it. */
  | { kind: "data"; file: string };

/** Parsed `scorelens eval` options. */
export interface EvalCliOptions {
  cmd: "eval";
  db: string;
  /** Scorer files or globs, as given (at least one). */
  scorers: string[];
  selection: EvalSelectionArg;
  /** Where to write the JSON report ("-" = stdout), or null. */
  json: string | null;
  /** Where to write JUnit XML, or null. */
  junit: string | null;
  /** --fail-under and --fail-over specs, in the order given per flag (floors first). */
  thresholds: ThresholdSpec[];
  /** Per scorer call, seconds; null = the default. */
  timeoutSeconds: number | null;
}

/** Parses the arguments after `scorelens eval`. Throws UsageError. Returns help for --help. */
export function parseEvalArgs(args: string[], env: Record<string, string | undefined>): EvalCliOptions | { cmd: "help" } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: "string" },
        scorers: { type: "string", multiple: true },
        filter: { type: "string" },
        last: { type: "string" },
        dataset: { type: "string" },
        data: { type: "string" },
        json: { type: "string" },
        junit: { type: "string" },
        "fail-under": { type: "string", multiple: true },
        "fail-over": { type: "string", multiple: true },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError(`eval: ${e instanceof Error ? e.message : String(e)}`);
  }
  const v = parsed.values;
  if (v.help) return { cmd: "help" };
  const scorers = [...(v.scorers ?? []), ...parsed.positionals].filter((s) => s.trim() !== "");
  if (scorers.length === 0) throw new UsageError("eval: name the scorers to run: --scorers GLOB (e.g. --scorers 'scorers/**/*.ts')");
  const chosen = [v.dataset !== undefined && "--dataset", v.data !== undefined && "--data", v.filter !== undefined && "--filter"].filter((x): x is string => x !== false);
  if (chosen.length > 1) throw new UsageError(`eval: ${chosen.join(" and ")} can't be combined; choose one selection`);
  if (v.last !== undefined && (v.dataset !== undefined || v.data !== undefined)) throw new UsageError(`eval: --last applies to traces, not to ${chosen[0]}`);
  const last = intArg("last", v.last, 100, 1, 1_000_000);
  const selection: EvalSelectionArg =
    v.dataset !== undefined
      ? { kind: "dataset", name: v.dataset }
      : v.data !== undefined
        ? { kind: "data", file: v.data }
        : v.filter !== undefined
          ? { kind: "filter", filter: v.filter, limit: last }
          : { kind: "lastN", n: last };
  let thresholds: ThresholdSpec[];
  try {
    thresholds = [...(v["fail-under"] ?? []).map((t) => parseThreshold(t, "under")), ...(v["fail-over"] ?? []).map((t) => parseThreshold(t, "over"))];
  } catch (e) {
    if (e instanceof ThresholdSyntaxError) throw new UsageError(`eval: ${e.message}`);
    throw e;
  }
  let timeoutSeconds: number | null = null;
  if (v.timeout !== undefined) {
    timeoutSeconds = Number(v.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 3600) throw new UsageError(`--timeout must be a number of seconds between 1 and 3600, got "${v.timeout}"`);
  }
  return {
    cmd: "eval",
    db: v.db ?? env.SCORELENS_DB ?? ".scorelens/traces.db",
    scorers,
    selection,
    json: v.json ?? null,
    junit: v.junit ?? null,
    thresholds,
    timeoutSeconds,
  };
}
