/**
 * SQL functions the compiled filters rely on: `regexp(pattern, value)` (the REGEXP operator,
 * used for RLIKE). Patterns are JavaScript regular expressions with search semantics (a match
 * anywhere, like Python's re.search); a leading `(?i)` makes one case-insensitive.
 */
import type { Db } from "../store/db";

const CACHE_SIZE = 64;
const cache = new Map<string, RegExp>();
const installed = new WeakSet<Db>();

/** Compiles (and caches) an RLIKE pattern; throws SyntaxError when the pattern is invalid. */
export function compileRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) {
    // refresh: Map iteration order is insertion order, so the first key is the least recent
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  const re = pattern.startsWith("(?i)") ? new RegExp(pattern.slice(4), "i") : new RegExp(pattern);
  cache.set(pattern, re);
  if (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return re;
}

/** Registers the search functions on `db` (once per connection; later calls are no-ops). */
export function installSearchFunctions(db: Db): void {
  if (installed.has(db)) return;
  db.function("regexp", { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (value === null || value === undefined || pattern === null || pattern === undefined) return null;
    const text = typeof value === "string" ? value : Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
    return compileRegex(String(pattern)).test(text) ? 1 : 0;
  });
  installed.add(db);
}
