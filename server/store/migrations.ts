/**
 * Schema migrations. `PRAGMA user_version` holds the schema version; each migration runs in
 * its own IMMEDIATE transaction, so two servers opening the same file can't both apply it.
 */
import type { Database } from "better-sqlite3";

interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "spans, traces rollup, server lease",
    sql: `
      CREATE TABLE spans (
        trace_id        TEXT NOT NULL,
        span_id         TEXT NOT NULL,
        parent_span_id  TEXT,
        name            TEXT NOT NULL,
        kind            INTEGER NOT NULL,
        span_type       TEXT NOT NULL,
        start_ns        INTEGER NOT NULL,
        end_ns          INTEGER NOT NULL,
        status          TEXT NOT NULL,
        status_message  TEXT NOT NULL,
        model           TEXT,
        provider        TEXT,
        input_tokens    INTEGER,
        output_tokens   INTEGER,
        total_tokens    INTEGER,
        cost_usd        REAL,
        inputs          TEXT,
        outputs         TEXT,
        attributes      TEXT NOT NULL,
        events          TEXT NOT NULL,
        detail          TEXT NOT NULL
      );
      CREATE UNIQUE INDEX spans_trace_span ON spans(trace_id, span_id);

      CREATE TABLE traces (
        trace_id          TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        state             TEXT NOT NULL,
        start_ns          INTEGER NOT NULL,
        end_ns            INTEGER NOT NULL,
        start_ms          REAL NOT NULL,
        duration_ms       REAL NOT NULL,
        span_count        INTEGER NOT NULL,
        error_count       INTEGER NOT NULL,
        input_tokens      INTEGER NOT NULL,
        output_tokens     INTEGER NOT NULL,
        total_tokens      INTEGER NOT NULL,
        cost_usd          REAL,
        request_preview   TEXT NOT NULL,
        response_preview  TEXT NOT NULL,
        tags              TEXT NOT NULL,
        metadata          TEXT NOT NULL,
        session_id        TEXT,
        user_id           TEXT,
        service_name      TEXT,
        root_span_id      TEXT,
        updated_ms        REAL NOT NULL
      );
      CREATE INDEX traces_start ON traces(start_ms DESC, trace_id DESC);

      CREATE TABLE server_lease (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        pid           INTEGER NOT NULL,
        hostname      TEXT NOT NULL,
        otlp_port     INTEGER,
        heartbeat_ms  REAL NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: "assessments (MLflow feedback and expectations)",
    sql: `
      CREATE TABLE assessments (
        assessment_id  TEXT PRIMARY KEY,
        trace_id       TEXT NOT NULL,
        span_id        TEXT,
        name           TEXT NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('feedback', 'expectation')),
        value          TEXT,
        rationale      TEXT,
        error          TEXT,
        source_type    TEXT NOT NULL,
        source_id      TEXT NOT NULL,
        metadata       TEXT NOT NULL DEFAULT '{}',
        run_id         TEXT,
        created_ms     REAL NOT NULL,
        updated_ms     REAL NOT NULL
      );
      CREATE INDEX assessments_trace ON assessments(trace_id);
      CREATE INDEX assessments_name ON assessments(name, kind);
    `,
  },
  {
    version: 3,
    description: "shared span resources; running store totals",
    sql: `
      -- resource + scope JSON, stored once and shared by all spans that carry it
      -- (spans written before v3 keep theirs inside detail)
      CREATE TABLE span_resources (
        id    INTEGER PRIMARY KEY,
        json  TEXT NOT NULL UNIQUE
      );
      ALTER TABLE spans ADD COLUMN resource_id INTEGER;

      -- running totals, maintained by the writer and deletes (so status never scans)
      CREATE TABLE store_stats (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        trace_count  INTEGER NOT NULL,
        span_count   INTEGER NOT NULL
      );
      INSERT INTO store_stats (id, trace_count, span_count)
        SELECT 1, count(*), coalesce(sum(span_count), 0) FROM traces;
    `,
  },
  {
    version: 4,
    description: "evaluation runs and their per-trace results",
    sql: `
      CREATE TABLE eval_runs (
        run_id           TEXT PRIMARY KEY,
        scorers          TEXT NOT NULL,
        selection        TEXT NOT NULL,
        selection_label  TEXT NOT NULL,
        status           TEXT NOT NULL,
        started_ms       REAL NOT NULL,
        duration_ms      REAL,
        trace_count      INTEGER NOT NULL,
        scored_count     INTEGER NOT NULL,
        error_count      INTEGER NOT NULL,
        aggregates       TEXT NOT NULL,
        message          TEXT
      );
      CREATE INDEX eval_runs_started ON eval_runs(started_ms DESC);

      CREATE TABLE run_results (
        run_id       TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        trace_id     TEXT NOT NULL,
        scorer_name  TEXT NOT NULL,
        feedbacks    TEXT NOT NULL,
        duration_ms  REAL NOT NULL,
        logs         TEXT NOT NULL,
        PRIMARY KEY (run_id, seq, scorer_name)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    description: "datasets; result rows that score dataset rows",
    sql: `
      -- a named set of evaluation rows (MLflow's evaluation datasets)
      CREATE TABLE datasets (
        name         TEXT PRIMARY KEY,
        description  TEXT,
        -- JSON: where the rows came from ({"kind":"traces","filter":…} | {"kind":"file","path":…,"format":…})
        source       TEXT NOT NULL,
        row_count    INTEGER NOT NULL,
        created_ms   REAL NOT NULL,
        updated_ms   REAL NOT NULL
      );

      -- one row: JSON inputs / outputs / expectations, and the trace it came from (if any)
      CREATE TABLE dataset_rows (
        dataset_name  TEXT NOT NULL,
        idx           INTEGER NOT NULL,
        inputs        TEXT NOT NULL,
        outputs       TEXT,
        expectations  TEXT,
        trace_id      TEXT,
        tags          TEXT,
        PRIMARY KEY (dataset_name, idx)
      ) WITHOUT ROWID;

      ALTER TABLE run_results ADD COLUMN dataset_row INTEGER;
    `,
  },
  {
    version: 6,
    description: "registered scorers, monitoring queue and checkpoint, backfill jobs",
    sql: `
      -- immutable snapshots: the bundled code that monitoring runs (never the file being edited)
      CREATE TABLE scorer_versions (
        name          TEXT NOT NULL,
        version       INTEGER NOT NULL,
        file          TEXT NOT NULL,
        export_name   TEXT NOT NULL,
        code          TEXT NOT NULL,
        source_hash   TEXT NOT NULL,
        aggregations  TEXT,
        created_ms    REAL NOT NULL,
        PRIMARY KEY (name, version)
      ) WITHOUT ROWID;

      -- the current registration of each name (deleted = no row; its versions stay so numbers never repeat)
      CREATE TABLE registered_scorers (
        name           TEXT PRIMARY KEY,
        version        INTEGER NOT NULL,
        sample_rate    REAL NOT NULL DEFAULT 0,
        filter_string  TEXT,
        started        INTEGER NOT NULL DEFAULT 0,
        scored_count   INTEGER NOT NULL DEFAULT 0,
        last_error     TEXT,
        created_ms     REAL NOT NULL,
        updated_ms     REAL NOT NULL
      );

      -- the checkpoint over completed traces: NULL = not yet looked at by monitoring. Traces that
      -- exist now are history (backfill covers them). The partial index holds only the ones to admit.
      ALTER TABLE traces ADD COLUMN monitored_ms REAL;
      UPDATE traces SET monitored_ms = 0;
      CREATE INDEX traces_to_monitor ON traces(updated_ms) WHERE monitored_ms IS NULL AND root_span_id IS NOT NULL;

      -- sampled (trace, scorer version) pairs waiting for their assessment; written in the transaction
      -- that sets traces.monitored_ms, deleted in the one that stores the assessment
      CREATE TABLE monitor_pending (
        trace_id      TEXT NOT NULL,
        scorer        TEXT NOT NULL,
        version       INTEGER NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_ms       REAL NOT NULL,
        completed_ms  REAL NOT NULL,
        last_error    TEXT,
        PRIMARY KEY (trace_id, scorer, version)
      ) WITHOUT ROWID;
      CREATE INDEX monitor_pending_due ON monitor_pending(scorer, next_ms);

      CREATE TABLE backfill_jobs (
        job_id        TEXT PRIMARY KEY,
        scorers       TEXT NOT NULL,
        from_ms       REAL NOT NULL,
        to_ms         REAL NOT NULL,
        rescore       INTEGER NOT NULL,
        status        TEXT NOT NULL,
        total         INTEGER NOT NULL DEFAULT 0,
        done          INTEGER NOT NULL DEFAULT 0,
        scored        INTEGER NOT NULL DEFAULT 0,
        skipped       INTEGER NOT NULL DEFAULT 0,
        errors        INTEGER NOT NULL DEFAULT 0,
        -- resume point: traces are walked by (start_ms, trace_id) ascending
        cursor_ms     REAL,
        cursor_trace  TEXT,
        runner_pid    INTEGER,
        created_ms    REAL NOT NULL,
        finished_ms   REAL,
        message       TEXT
      );
      CREATE INDEX assessments_source ON assessments(source_id, trace_id);
    `,
  },
  {
    version: 7,
    description: "run results: compact table cells, and the trace's name and state when scored",
    sql: `
      -- what the results table needs of a row's feedbacks (protocol/runTable.ts tableCells): JSON
      -- [name, source type, source id, value] or [name, source type, source id, null, error type,
      -- error message] per feedback, long strings cut. NULL for rows written before v7 (the table
      -- reads their feedbacks instead).
      ALTER TABLE run_results ADD COLUMN cells TEXT;
      -- the trace as it was scored, so the table needs no lookup in traces; NULL when the trace was
      -- not stored then (dataset row without one), has been deleted since (trigger below), or for
      -- rows written before v7: the table looks those up in traces
      ALTER TABLE run_results ADD COLUMN trace_name TEXT;
      ALTER TABLE run_results ADD COLUMN trace_state TEXT;
      CREATE INDEX run_results_trace ON run_results(trace_id);
      CREATE TRIGGER run_results_trace_deleted AFTER DELETE ON traces BEGIN
        UPDATE run_results SET trace_name = NULL, trace_state = NULL WHERE trace_id = old.trace_id AND trace_state IS NOT NULL;
      END;
    `,
  },
  {
    version: 8,
    description: "monitoring: the due-work query reads pending rows in next_ms order without sorting the table",
    sql: `
      CREATE INDEX monitor_pending_next ON monitor_pending(next_ms);
    `,
  },
  {
    version: 9,
    description: "evaluation runs: totals of the LLM judge calls they made",
    sql: `
      -- JSON {calls, inputTokens, outputTokens, costUsd, models} (protocol/scoring.ts JudgeUsage), summed
      -- from the judges' Feedback metadata when the run is saved; NULL when the run made no judge call
      ALTER TABLE eval_runs ADD COLUMN judge_usage TEXT;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export class SchemaTooNewError extends Error {
  readonly reason = "schema-too-new";
  constructor(found: number) {
    super(
      `this database has schema version ${found}, newer than this ScoreLens understands (${SCHEMA_VERSION}); update ScoreLens or use another database file`,
    );
  }
  static is(e: unknown): e is SchemaTooNewError {
    return e instanceof SchemaTooNewError;
  }
}

export function migrate(db: Database): void {
  for (const m of MIGRATIONS) {
    const apply = db.transaction(() => {
      const current = db.pragma("user_version", { simple: true }) as number;
      if (current >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
    apply.immediate();
  }
  const found = db.pragma("user_version", { simple: true }) as number;
  if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found);
}
