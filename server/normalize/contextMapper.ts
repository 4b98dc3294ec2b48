/**
 * Session, user, tags and metadata.
 *
 * sessionId: `langfuse.session.id` > MLflow `mlflow.trace.session` > `session.id` (OpenInference,
 *   Langfuse, MLflow export) > GenAI `gen_ai.conversation.id` > Vercel `ai.telemetry.metadata.sessionId`.
 * userId: `langfuse.user.id` > `mlflow.trace.user` > `user.id` > `ai.telemetry.metadata.userId`.
 * tags (first writer wins per key): MLflow `mlflow.traceTag.<k>` → tags[k] (JSON-decoded) >
 *   OpenInference `tag.tags` > Langfuse `langfuse.trace.tags`. List-style tags (a bare label, no
 *   value) become `tags[label] = LIST_TAG_VALUE` ("true").
 * metadata (first writer wins per key): OpenInference `metadata` (JSON object) > Vercel
 *   `ai.telemetry.metadata.<k>` > Langfuse `langfuse.trace.metadata(.<k>)` >
 *   `langfuse.observation.metadata(.<k>)`.
 * Tag and metadata values are strings: non-strings are JSON.stringify'd.
 */
import type { AttrValue } from "../../protocol/model";
import type { PrefixedEntry } from "./attributeScan";
import type { NormalizeContext } from "./context";
import { decodeJson, isRecord, parseJsonContainer, setIfAbsent, toStringOrNull, toTagValue } from "./jsonValue";

/** The value stored for tags that are bare labels (`tag.tags`, `langfuse.trace.tags`). */
export const LIST_TAG_VALUE = "true";

export function mapSessionId(ctx: NormalizeContext): string | null {
  const a = ctx.attrs;
  let v: string | null = null;
  if (ctx.langfuse && (v = toStringOrNull(a["langfuse.session.id"])) !== null) return v;
  if (ctx.mlflow && (v = toStringOrNull(decodeJson(a["mlflow.trace.session"]))) !== null) return v;
  if ((v = toStringOrNull(a["session.id"])) !== null) return v;
  if (ctx.genai && (v = toStringOrNull(a["gen_ai.conversation.id"])) !== null) return v;
  if (ctx.vercel && (v = toStringOrNull(a["ai.telemetry.metadata.sessionId"])) !== null) return v;
  return null;
}

export function mapUserId(ctx: NormalizeContext): string | null {
  const a = ctx.attrs;
  let v: string | null = null;
  if (ctx.langfuse && (v = toStringOrNull(a["langfuse.user.id"])) !== null) return v;
  if (ctx.mlflow && (v = toStringOrNull(decodeJson(a["mlflow.trace.user"]))) !== null) return v;
  if ((v = toStringOrNull(a["user.id"])) !== null) return v;
  if (ctx.vercel && (v = toStringOrNull(a["ai.telemetry.metadata.userId"])) !== null) return v;
  return null;
}

/** Add list-style tags from an array, a JSON array string, or a single label. */
function addListTags(tags: Record<string, string>, value: AttrValue | undefined): void {
  if (value === undefined || value === null || value === "") return;
  const parsed = parseJsonContainer(value);
  if (Array.isArray(parsed)) {
    for (const item of parsed) {
      const label = toTagValue(item);
      if (label.length > 0) setIfAbsent(tags, label, LIST_TAG_VALUE);
    }
  } else if (typeof parsed === "string") {
    setIfAbsent(tags, parsed, LIST_TAG_VALUE);
  }
}

export function mapTags(ctx: NormalizeContext): Record<string, string> {
  const tags: Record<string, string> = {};
  const a = ctx.attrs;
  const mlflowTags = ctx.scan.mlflowTraceTags;
  if (mlflowTags !== null) {
    for (const [k, v] of mlflowTags) setIfAbsent(tags, k, toTagValue(decodeJson(v)));
  }
  if (ctx.openinference) addListTags(tags, a["tag.tags"]);
  if (ctx.langfuse) addListTags(tags, a["langfuse.trace.tags"]);
  return tags;
}

function addObject(metadata: Record<string, string>, value: AttrValue | undefined): void {
  if (value === undefined || value === null) return;
  const parsed = parseJsonContainer(value);
  if (!isRecord(parsed)) return;
  for (const k in parsed) {
    if (Object.hasOwn(parsed, k)) setIfAbsent(metadata, k, toTagValue(parsed[k]));
  }
}

function addEntries(metadata: Record<string, string>, entries: PrefixedEntry[] | null): void {
  if (entries === null) return;
  for (const [k, v] of entries) setIfAbsent(metadata, k, toTagValue(v));
}

export function mapMetadata(ctx: NormalizeContext): Record<string, string> {
  const metadata: Record<string, string> = {};
  const a = ctx.attrs;
  addEntries(metadata, ctx.scan.mlflowTraceMetadata);
  if (ctx.openinference) addObject(metadata, a["metadata"]);
  addEntries(metadata, ctx.scan.vercelMetadata);
  if (ctx.langfuse) {
    addObject(metadata, a["langfuse.trace.metadata"]);
    addEntries(metadata, ctx.scan.langfuseTraceMetadata);
    addObject(metadata, a["langfuse.observation.metadata"]);
    addEntries(metadata, ctx.scan.langfuseObservationMetadata);
  }
  return metadata;
}
