/** Argument parsing and help text for the `scorelens` CLI. Pure. */
import { parseArgs } from "node:util";

export const HELP = `scorelens — local traces and scorers for LLM apps

Usage:
  scorelens serve [--db PATH] [--port N] [--max-body-bytes N] [--allow-origin ORIGIN]...
      Run the trace server headless: OTLP/HTTP receiver on 127.0.0.1 (POST /v1/traces) and the SQLite store.
      --db defaults to ./.scorelens/traces.db; --port defaults to 4318 (0 = any free port).
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
  scorelens --help | --version

Environment:
  SCORELENS_DB          default for --db
  SCORELENS_LOG_LEVEL   debug for verbose logs (stderr)
`;

export type CliCommand =
  | { cmd: "help" }
  | { cmd: "version" }
  | { cmd: "serve"; db: string; port: number; maxBodyBytes: number; allowedOrigins: string[]; retentionDays: number; retentionMB: number }
  | { cmd: "traces"; db: string; last: number; json: boolean }
  | { cmd: "trace"; db: string; id: string; json: boolean }
  | { cmd: "import"; db: string; files: string[] }
  | { cmd: "export"; db: string; last: number; traceIds: string[]; filter: string | null; jsonl: boolean };

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

export function parseCli(argv: string[], env: Record<string, string | undefined>): CliCommand {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") return { cmd: "help" };
  if (cmd === "--version" || cmd === "-v") return { cmd: "version" };
  const defaultDb = env.SCORELENS_DB ?? ".scorelens/traces.db";
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
      };
    case "traces":
      return { cmd: "traces", db, last: intArg("last", v.last, 20, 1, 100_000), json: v.json ?? false };
    case "trace": {
      const id = parsed.positionals[0];
      if (!id) throw new UsageError("trace: missing trace ID (scorelens trace ID)");
      return { cmd: "trace", db, id: id.startsWith("tr-") ? id.slice(3) : id, json: v.json ?? false };
    }
    case "import":
      if (parsed.positionals.length === 0) throw new UsageError("import: name at least one FILE");
      return { cmd: "import", db, files: parsed.positionals };
    case "export":
      return {
        cmd: "export",
        db,
        last: intArg("last", v.last, 100, 1, 10_000_000),
        traceIds: (v.trace ?? []).map((id) => (id.startsWith("tr-") ? id.slice(3) : id)),
        filter: v.filter ?? null,
        jsonl: v.jsonl ?? false,
      };
    default:
      throw new UsageError(`unknown command "${cmd}"; run scorelens --help`);
  }
}
