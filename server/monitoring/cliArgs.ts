/** Argument parsing for `scorelens scorers …` and `scorelens backfill`. Pure. */
import { parseArgs } from "node:util";

export const MONITORING_HELP = `  scorelens scorers list [--json]
  scorelens scorers register FILE --export NAME [--name NAME]
      Snapshot a scorer (its bundled code) as a new immutable version; monitoring runs the snapshot.
  scorelens scorers start NAME --sample-rate R [--filter FILTER] [--max-active N]
  scorelens scorers update NAME [--sample-rate R] [--filter FILTER]
  scorelens scorers stop NAME | scorelens scorers delete NAME
      Monitoring: completed traces matching FILTER are sampled at R (0 < R <= 1) and scored in the
      background by \`scorelens serve\` / the extension. At most N (default 20) scorers are active.
  scorelens backfill --scorer NAME[=RATE]... [--from TIME] [--to TIME] [--rescore] [--json]
      Score past traces (default: the last 7 days; TIME is ISO 8601 or epoch ms) with registered scorers,
      each at RATE (default: its current rate, 1 when not active). Skips traces already scored by the
      same scorer version unless --rescore.`;

export type ScorersCliCommand =
  | { sub: "list"; json: boolean }
  | { sub: "register"; file: string; exportName: string; name: string | null; json: boolean }
  | { sub: "start"; name: string; sampleRate: number; filter: string | null; maxActive: number | null; json: boolean }
  | { sub: "update"; name: string; sampleRate: number | undefined; filter: string | undefined; maxActive: number | null; json: boolean }
  | { sub: "stop" | "delete"; name: string; json: boolean };

export type MonitoringCliCommand =
  | { cmd: "scorers"; db: string; command: ScorersCliCommand }
  | { cmd: "backfill"; db: string; scorers: Array<{ name: string; sampleRate: number | undefined }>; fromMs: number | undefined; toMs: number | undefined; rescore: boolean; json: boolean };

export class MonitoringUsageError extends Error {}

function rateArg(v: string, what: string): number {
  const n = Number(v.endsWith("%") ? Number(v.slice(0, -1)) / 100 : v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new MonitoringUsageError(`${what} must be between 0 and 1 (or 0%..100%), got "${v}"`);
  return n;
}

function timeArg(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new MonitoringUsageError(`${what} must be ISO 8601 or epoch milliseconds, got "${v}"`);
  return n;
}

function intOrNull(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new MonitoringUsageError(`--max-active must be an integer between 1 and 1000, got "${v}"`);
  return n;
}

/** Parses the arguments after `scorelens scorers` or `scorelens backfill`. Throws MonitoringUsageError. */
export function parseMonitoringArgs(cmd: "scorers" | "backfill", args: string[], defaultDb: string): MonitoringCliCommand | { cmd: "help" } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: "string" },
        json: { type: "boolean" },
        export: { type: "string" },
        name: { type: "string" },
        "sample-rate": { type: "string" },
        filter: { type: "string" },
        "max-active": { type: "string" },
        scorer: { type: "string", multiple: true },
        from: { type: "string" },
        to: { type: "string" },
        rescore: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new MonitoringUsageError(`${cmd}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const v = parsed.values;
  if (v.help) return { cmd: "help" };
  const db = v.db ?? defaultDb;
  const json = v.json ?? false;
  if (cmd === "backfill") {
    const scorers = [...(v.scorer ?? []), ...parsed.positionals].map((s) => {
      const eq = s.lastIndexOf("=");
      return eq > 0 ? { name: s.slice(0, eq), sampleRate: rateArg(s.slice(eq + 1), `the rate of ${s.slice(0, eq)}`) } : { name: s, sampleRate: undefined };
    });
    if (scorers.length === 0) throw new MonitoringUsageError("backfill: name at least one registered scorer: --scorer NAME[=RATE]");
    return { cmd, db, scorers, fromMs: timeArg(v.from, "--from"), toMs: timeArg(v.to, "--to"), rescore: v.rescore ?? false, json };
  }
  const [sub, ...pos] = parsed.positionals;
  const one = (usage: string): string => {
    if (pos.length !== 1) throw new MonitoringUsageError(`scorers ${sub}: expected ${usage}`);
    return pos[0] as string;
  };
  const command = ((): ScorersCliCommand => {
    switch (sub) {
      case "list":
        return { sub, json };
      case "register": {
        const file = one("FILE --export NAME");
        if (!v.export) throw new MonitoringUsageError("scorers register: name the exported scorer: --export NAME");
        return { sub, file, exportName: v.export, name: v.name ?? null, json };
      }
      case "start": {
        const name = one("NAME --sample-rate R");
        if (v["sample-rate"] === undefined) throw new MonitoringUsageError("scorers start: give --sample-rate R (e.g. 0.1 or 10%)");
        const sampleRate = rateArg(v["sample-rate"], "--sample-rate");
        if (sampleRate === 0) throw new MonitoringUsageError("scorers start: --sample-rate must be above 0 (use scorers stop to stop)");
        return { sub, name, sampleRate, filter: v.filter ?? null, maxActive: intOrNull(v["max-active"]), json };
      }
      case "update": {
        const name = one("NAME [--sample-rate R] [--filter FILTER]");
        const sampleRate = v["sample-rate"] === undefined ? undefined : rateArg(v["sample-rate"], "--sample-rate");
        return { sub, name, sampleRate, filter: v.filter, maxActive: intOrNull(v["max-active"]), json };
      }
      case "stop":
      case "delete":
        return { sub, name: one("NAME"), json };
      default:
        throw new MonitoringUsageError(`scorers: ${sub === undefined ? "missing subcommand" : `unknown subcommand "${sub}"`}; expected list, register, start, update, stop or delete`);
    }
  })();
  return { cmd, db, command };
}
