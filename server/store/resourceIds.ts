/**
 * Interns span resource + scope JSON in `span_resources`, so the thousands of spans that share
 * one resource store it once. Caches by object identity (decoded spans of one request share
 * their resource object) and by JSON text (across requests).
 */
import type { Statement } from "better-sqlite3";
import type { SpanRecord } from "../../protocol/model";
import type { Db } from "./db";

const MAX_CACHED = 2000;

export class ResourceIds {
  private readonly jsonByObject = new WeakMap<object, string>();
  private readonly idByJson = new Map<string, number | bigint>();
  private readonly insert: Statement;
  private readonly select: Statement;

  constructor(db: Db) {
    this.insert = db.prepare("INSERT INTO span_resources (json) VALUES (?) ON CONFLICT(json) DO NOTHING");
    this.select = db.prepare("SELECT id FROM span_resources WHERE json = ?").pluck();
  }

  /** Must be called inside the writer's transaction. */
  idFor(span: SpanRecord): number | bigint {
    let res = this.jsonByObject.get(span.resource);
    if (res === undefined) {
      res = JSON.stringify(span.resource);
      this.jsonByObject.set(span.resource, res);
    }
    const json = `{"resource":${res},"scope":${JSON.stringify(span.scope)}}`;
    let id = this.idByJson.get(json);
    if (id === undefined) {
      this.insert.run(json);
      id = this.select.get(json) as number | bigint;
      if (this.idByJson.size >= MAX_CACHED) this.idByJson.clear();
      this.idByJson.set(json, id);
    }
    return id;
  }

  /** Drops cached ids (after a rollback). */
  forget(): void {
    this.idByJson.clear();
  }
}
