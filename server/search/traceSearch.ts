/**
 * Trace search: an MLflow filter_string and order_by over the `traces` rollup, returning the same
 * TraceSummary rows as TraceQueries (server/store/traceQueries.ts `toSummary`).
 *
 * The default order (timestamp_ms DESC) pages by keyset (`before`) and walks the traces_start
 * index, so a filter on trace columns never sorts. Other orders page with `offset`.
 */
import type { Statement } from "better-sqlite3";
import type { TraceSummary } from "../../protocol/model";
import type { Db } from "../store/db";
import { rowToSummary, traceColumns, type TraceCursor, type TraceRow } from "../store/traceQueries";
import { FilterSyntaxError } from "./filterErrors";
import { compileFilter } from "./filterToSql";
import { installSearchFunctions } from "./searchFunctions";

export type OrderField = "timestamp_ms" | "execution_time_ms" | "status" | "name" | "trace_id";

export interface OrderBy {
  field: OrderField;
  direction: "ASC" | "DESC";
}

export const DEFAULT_ORDER: OrderBy = { field: "timestamp_ms", direction: "DESC" };

export interface SearchTracesOptions {
  /** MLflow filter_string; empty or absent matches everything. */
  filter?: string;
  limit: number;
  /** Keyset cursor (the last row of the previous page); only with the default order. */
  before?: TraceCursor;
  /** e.g. "timestamp_ms DESC" (default), "execution_time_ms", "status ASC", "name DESC". */
  orderBy?: string;
  /** Rows to skip: paging for the non-default orders. */
  offset?: number;
}

const TRACE_COLUMNS = traceColumns("t");

const ORDER_ALIASES: Readonly<Record<string, OrderField>> = {
  timestamp_ms: "timestamp_ms",
  timestamp: "timestamp_ms",
  execution_time_ms: "execution_time_ms",
  duration_ms: "execution_time_ms",
  status: "status",
  state: "status",
  name: "name",
  request_id: "trace_id",
  trace_id: "trace_id",
};

const ORDER_COLUMN: Readonly<Record<OrderField, string>> = {
  timestamp_ms: "t.start_ms",
  execution_time_ms: "t.duration_ms",
  status: "t.state",
  name: "t.name COLLATE NOCASE",
  trace_id: "t.trace_id",
};

/** Parses MLflow's order_by ("timestamp_ms DESC", "trace.execution_time_ms", …). No direction means ASC, as in MLflow. */
export function parseOrderBy(orderBy: string | undefined): OrderBy {
  const text = orderBy?.trim() ?? "";
  if (text === "") return DEFAULT_ORDER;
  const m = /^(?:(?:trace|attributes|attribute)\.)?([A-Za-z_]+)(?:\s+([A-Za-z]+))?$/.exec(text);
  const lead = orderBy?.length ?? 0;
  const offset = lead - (orderBy?.trimStart().length ?? 0);
  const valid = `valid orders are ${Object.keys(ORDER_ALIASES).join(", ")}, optionally followed by ASC or DESC`;
  if (!m) throw new FilterSyntaxError(orderBy ?? "", offset + 1, `cannot read order_by '${text}'; ${valid}`, "order_by");
  const field = ORDER_ALIASES[(m[1] as string).toLowerCase()];
  if (!field) throw new FilterSyntaxError(orderBy ?? "", offset + 1, `unknown order field '${m[1]}'; ${valid}`, "order_by");
  const dir = (m[2] ?? "ASC").toUpperCase();
  if (dir !== "ASC" && dir !== "DESC") {
    const at = offset + text.lastIndexOf(m[2] as string) + 1;
    throw new FilterSyntaxError(orderBy ?? "", at, `expected ASC or DESC but found '${m[2]}'`, "order_by");
  }
  return { field, direction: dir };
}

function orderSql(o: OrderBy): string {
  if (o.field === "timestamp_ms") return `t.start_ms ${o.direction}, t.trace_id ${o.direction}`;
  if (o.field === "trace_id") return `t.trace_id ${o.direction}`;
  return `${ORDER_COLUMN[o.field]} ${o.direction}, t.start_ms DESC, t.trace_id DESC`;
}

/** The SELECT a search runs (exported for EXPLAIN QUERY PLAN checks and for export). Throws FilterSyntaxError. */
export function buildSearchSql(opts: SearchTracesOptions): { sql: string; params: unknown[] } {
  if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${opts.limit}`);
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
  const order = parseOrderBy(opts.orderBy);
  const isDefault = order.field === DEFAULT_ORDER.field && order.direction === DEFAULT_ORDER.direction;
  if (opts.before && !isDefault) {
    throw new RangeError("the keyset cursor `before` only works with the default order timestamp_ms DESC; page with `offset`");
  }
  const filter = compileFilter(opts.filter ?? "");
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.where !== "1") {
    where.push(`(${filter.where})`);
    params.push(...filter.params);
  }
  if (opts.before) {
    where.push("(t.start_ms, t.trace_id) < (?, ?)");
    params.push(opts.before.startTimeMs, opts.before.traceId);
  }
  let sql = `SELECT ${TRACE_COLUMNS} FROM traces AS t`;
  if (where.length > 0) sql += ` WHERE ${where.join(" AND ")}`;
  sql += ` ORDER BY ${orderSql(order)} LIMIT ?`;
  params.push(opts.limit);
  if (offset > 0) {
    sql += " OFFSET ?";
    params.push(offset);
  }
  return { sql, params };
}

/** Finds traces matching an MLflow filter_string. Throws FilterSyntaxError on a bad filter or order_by. */
export function searchTraces(db: Db, opts: SearchTracesOptions): TraceSummary[] {
  const { sql, params } = buildSearchSql(opts);
  installSearchFunctions(db);
  const rows = statement(db, sql).all(...params) as TraceRow[];
  return rows.map(rowToSummary);
}

// Prepared statements per connection, keyed by SQL (filters differ in shape far less than in values).
const STATEMENT_CACHE_SIZE = 32;
const statements = new WeakMap<Db, Map<string, Statement>>();

function statement(db: Db, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let s = cache.get(sql);
  if (s) {
    cache.delete(sql);
  } else {
    s = db.prepare(sql);
    // ns columns are int64: read them as BigInt (toSummary divides end_ns as a BigInt).
    s.safeIntegers(true);
  }
  cache.set(sql, s);
  if (cache.size > STATEMENT_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return s;
}

