import assert from "node:assert/strict";
import { test } from "node:test";
import { EVAL_HELP, HELP, parseCli, parseEvalArgs, UsageError } from "../../../server/cliArgs";

test("help and version", () => {
  assert.deepEqual(parseCli([], {}), { cmd: "help" });
  assert.deepEqual(parseCli(["--help"], {}), { cmd: "help" });
  assert.deepEqual(parseCli(["serve", "--help"], {}), { cmd: "help" });
  assert.deepEqual(parseCli(["--version"], {}), { cmd: "version" });
});

test("serve parses db and port, with defaults from the environment", () => {
  const c = parseCli(["serve", "--db", "/tmp/x.db", "--port", "0"], {});
  assert.equal(c.cmd, "serve");
  if (c.cmd === "serve") {
    assert.equal(c.db, "/tmp/x.db");
    assert.equal(c.port, 0);
    assert.equal(c.maxBodyBytes, 64 * 1024 * 1024);
  }
  const d = parseCli(["serve"], { SCORELENS_DB: "/data/t.db" });
  assert.equal(d.cmd === "serve" && d.db, "/data/t.db");
});

test("bad arguments are usage errors with a clear message", () => {
  assert.throws(() => parseCli(["serve", "--port", "99999"], {}), (e) => UsageError.is(e) && /--port must be an integer between 0 and 65535/.test(e.message));
  assert.throws(() => parseCli(["serve", "--nope"], {}), (e) => UsageError.is(e) && /nope/.test(e.message));
  assert.throws(() => parseCli(["frobnicate"], {}), (e) => UsageError.is(e) && /unknown command "frobnicate"/.test(e.message));
  assert.throws(() => parseCli(["trace"], {}), (e) => UsageError.is(e) && /missing trace ID/.test(e.message));
});

test("trace accepts MLflow tr- ids", () => {
  const c = parseCli(["trace", "tr-0123456789abcdef0123456789abcdef", "--json"], {});
  assert.deepEqual(c, { cmd: "trace", db: ".scorelens/traces.db", id: "0123456789abcdef0123456789abcdef", json: true });
});

function usage(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e) => UsageError.is(e) && message.test(e.message));
}

test("datasets subcommands parse their arguments", () => {
  const env = { SCORELENS_DB: "/data/t.db" };
  assert.deepEqual(parseCli(["datasets", "list", "--json"], env), { cmd: "datasets", db: "/data/t.db", command: { sub: "list", json: true } });
  assert.deepEqual(parseCli(["datasets", "show", "golden set", "--offset", "5", "--limit", "2", "--db", "x.db"], env), {
    cmd: "datasets",
    db: "x.db",
    command: { sub: "show", name: "golden set", offset: 5, limit: 2, json: false },
  });
  assert.deepEqual(parseCli(["datasets", "create", "d", "--trace-ids", "tr-a, b", "--trace-ids", "c", "--from-filter", "trace.status = 'OK'", "--limit", "50", "--replace"], {}), {
    cmd: "datasets",
    db: ".scorelens/traces.db",
    command: { sub: "create", name: "d", filter: "trace.status = 'OK'", traceIds: ["tr-a", "b", "c"], limit: 50, description: null, replace: true, json: false },
  });
  assert.deepEqual(parseCli(["datasets", "import", "d", "rows.txt", "--format", "JSONL", "--description", "gold"], {}), {
    cmd: "datasets",
    db: ".scorelens/traces.db",
    command: { sub: "import", name: "d", file: "rows.txt", format: "jsonl", description: "gold", replace: false, json: false },
  });
  const exp = parseCli(["datasets", "export", "d", "-", "--format", "csv"], {});
  assert.deepEqual(exp.cmd === "datasets" && exp.command, { sub: "export", name: "d", file: "-", format: "csv" });
  const del = parseCli(["datasets", "delete", "d"], {});
  assert.deepEqual(del.cmd === "datasets" && del.command, { sub: "delete", name: "d", json: false });
  assert.deepEqual(parseCli(["datasets", "--help"], {}), { cmd: "help" });
  for (const word of ["datasets list", "datasets show NAME", "datasets create NAME", "datasets import NAME FILE", "datasets export NAME", "datasets delete NAME"]) {
    assert.ok(HELP.includes(`scorelens ${word}`), word);
  }
});

test("datasets usage errors", () => {
  usage(() => parseCli(["datasets"], {}), /datasets: missing subcommand; expected list, show/);
  usage(() => parseCli(["datasets", "frob"], {}), /unknown subcommand "frob"/);
  usage(() => parseCli(["datasets", "show"], {}), /datasets show: expected NAME, got nothing/);
  usage(() => parseCli(["datasets", "import", "d"], {}), /datasets import: expected NAME FILE, got "d"/);
  usage(() => parseCli(["datasets", "create", "d"], {}), /give --from-filter FILTER and\/or --trace-ids/);
  usage(() => parseCli(["datasets", "import", "d", "f", "--format", "xml"], {}), /--format must be one of json, jsonl, csv, got "xml"/);
  usage(() => parseCli(["datasets", "export", "d", "-"], {}), /stdout \(-\) needs --format/);
  usage(() => parseCli(["datasets", "show", "d", "--limit", "0"], {}), /--limit must be an integer between 1/);
  usage(() => parseCli(["datasets", "list", "--bogus"], {}), /datasets: .*bogus/);
});

test("eval: scorers (flags and positionals), selections, reports, thresholds, timeout", () => {
  assert.deepEqual(parseEvalArgs(["--scorers", "scorers/**/*.ts", "extra.ts", "--json", "out.json", "--junit", "out.xml"], { SCORELENS_DB: "e.db" }), {
    cmd: "eval",
    db: "e.db",
    scorers: ["scorers/**/*.ts", "extra.ts"],
    selection: { kind: "lastN", n: 100 },
    json: "out.json",
    junit: "out.xml",
    thresholds: [],
    timeoutSeconds: null,
  });
  const sel = (args: string[]) => {
    const c = parseEvalArgs(["--scorers", "s.ts", ...args], {});
    assert.ok(c.cmd === "eval");
    return c.selection;
  };
  assert.deepEqual(sel(["--last", "7"]), { kind: "lastN", n: 7 });
  assert.deepEqual(sel(["--filter", "trace.status = 'OK'"]), { kind: "filter", filter: "trace.status = 'OK'", limit: 100 });
  assert.deepEqual(sel(["--filter", "x = 1", "--last", "5"]), { kind: "filter", filter: "x = 1", limit: 5 });
  assert.deepEqual(sel(["--dataset", "golden"]), { kind: "dataset", name: "golden" });
  assert.deepEqual(sel(["--data", "rows.csv"]), { kind: "data", file: "rows.csv" });
  const c = parseEvalArgs(["--scorers", "s.ts", "--fail-over", "errors=0", "--fail-under", "rel/mean=0.8", "--fail-under", "ok/pass_rate=90%", "--timeout", "2.5"], {});
  assert.ok(c.cmd === "eval");
  assert.deepEqual(c.thresholds.map((t) => [t.op, t.metric, t.limit]), [["under", "rel/mean", 0.8], ["under", "ok/pass_rate", 0.9], ["over", "errors", 0]]);
  assert.equal(c.timeoutSeconds, 2.5);
  assert.deepEqual(parseEvalArgs(["--help"], {}), { cmd: "help" });
  assert.match(EVAL_HELP, /scorelens eval --scorers GLOB/);
});

test("eval usage errors", () => {
  usage(() => parseEvalArgs([], {}), /eval: name the scorers to run/);
  usage(() => parseEvalArgs(["--scorers", "s.ts", "--dataset", "d", "--filter", "x"], {}), /--dataset and --filter can't be combined/);
  usage(() => parseEvalArgs(["--scorers", "s.ts", "--dataset", "d", "--last", "3"], {}), /--last applies to traces, not to --dataset/);
  usage(() => parseEvalArgs(["--scorers", "s.ts", "--fail-under", "errors=0"], {}), /eval: --fail-under "errors=0": an error count is a ceiling/);
  usage(() => parseEvalArgs(["--scorers", "s.ts", "--fail-under", "relevance"], {}), /expected METRIC=NUMBER/);
  usage(() => parseEvalArgs(["--scorers", "s.ts", "--timeout", "0"], {}), /--timeout must be a number of seconds between 1 and 3600/);
  usage(() => parseEvalArgs(["--scorers", "s.ts", "--json"], {}), /eval: .*--json/);
});
