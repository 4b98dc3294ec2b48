/**
 * OTLP AnyValue → AttrValue flattening, shared by the protobuf and JSON decoders (and the MLflow
 * importer for plain JSON values).
 *
 * - string/bool pass through; int64 becomes a number when it is a safe integer, else a decimal
 *   string; doubles stay numbers, except NaN/±Infinity which become the strings
 *   "NaN"/"Infinity"/"-Infinity" (they have no JSON form).
 * - arrays → arrays, kvlists → plain objects, bytes → `{ "$bytes": base64 }`, empty → null.
 * - Nesting deeper than {@link MAX_ATTR_DEPTH} containers becomes {@link TRUNCATED_VALUE}, so a
 *   hostile payload cannot blow the stack or build huge nested structures.
 */
import type { AttrValue, Attributes } from "../../protocol/model";
import { base64ToBytes, bytesToBase64, int64FromJson } from "./encoding";

/** How many nested arrays/kvlists are kept below an attribute. */
export const MAX_ATTR_DEPTH = 32;
export const TRUNCATED_VALUE = "[truncated: nesting too deep]";

/** Sets `obj[key] = value`, also for the key "__proto__" (as an own property). */
export function setAttr(obj: Record<string, AttrValue>, key: string, value: AttrValue): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

export function doubleToAttr(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

export function bytesToAttr(bytes: Uint8Array, start = 0, end = bytes.length): AttrValue {
  return { $bytes: bytesToBase64(bytes, start, end) };
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function doubleFromJson(v: unknown): AttrValue {
  if (typeof v === "number") return doubleToAttr(v);
  if (typeof v === "string") {
    if (v === "NaN" || v === "Infinity" || v === "-Infinity") return v;
    const n = Number(v);
    return v.trim() !== "" && Number.isFinite(n) ? n : v;
  }
  return null;
}

function boolFromJson(v: unknown): AttrValue {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return null;
}

/**
 * Flattens one OTLP/JSON AnyValue (`{"stringValue": "x"}`, `{"intValue": "12"}`, …; lowerCamelCase
 * or snake_case keys). `depth` is the number of containers above this value (0 for an attribute).
 * Lenient: a bare JSON scalar is taken as is; an unrecognized object is null.
 */
export function flattenJsonAnyValue(v: unknown, depth: number): AttrValue {
  if (v === null || v === undefined) return null;
  if (typeof v !== "object") {
    if (typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return doubleToAttr(v);
    return null;
  }
  if (Array.isArray(v)) return jsonToAttrValue(v, depth);
  const o = v as Obj;
  let x: unknown;
  if ((x = o.stringValue ?? o.string_value) !== undefined) return typeof x === "string" ? x : String(x);
  if ((x = o.intValue ?? o.int_value) !== undefined) {
    const n = int64FromJson(x);
    return n ?? (typeof x === "string" ? x : null);
  }
  if ((x = o.doubleValue ?? o.double_value) !== undefined) return doubleFromJson(x);
  if ((x = o.boolValue ?? o.bool_value) !== undefined) return boolFromJson(x);
  if ((x = o.arrayValue ?? o.array_value) !== undefined) {
    if (depth >= MAX_ATTR_DEPTH) return TRUNCATED_VALUE;
    const values = isObj(x) ? x.values : undefined;
    if (!Array.isArray(values)) return [];
    const out: AttrValue[] = new Array<AttrValue>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = flattenJsonAnyValue(values[i], depth + 1);
    return out;
  }
  if ((x = o.kvlistValue ?? o.kvlist_value) !== undefined) {
    if (depth >= MAX_ATTR_DEPTH) return TRUNCATED_VALUE;
    const values = isObj(x) ? x.values : undefined;
    const out: Record<string, AttrValue> = {};
    if (Array.isArray(values)) flattenJsonKeyValuesInto(values, out, depth + 1);
    return out;
  }
  if ((x = o.bytesValue ?? o.bytes_value) !== undefined) {
    if (typeof x !== "string") return null;
    const bytes = base64ToBytes(x);
    return { $bytes: bytes ? bytesToBase64(bytes) : x };
  }
  return null;
}

/**
 * Flattens an OTLP/JSON KeyValue list (`[{"key": "k", "value": {…}}]`) into `out`. Entries without
 * a string key are skipped; a repeated key keeps the last value.
 */
export function flattenJsonKeyValuesInto(list: readonly unknown[], out: Record<string, AttrValue>, depth: number): void {
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (!isObj(kv)) continue;
    const key = kv.key;
    if (typeof key !== "string") continue;
    setAttr(out, key, flattenJsonAnyValue(kv.value, depth));
  }
}

export function flattenJsonKeyValues(list: readonly unknown[]): Attributes {
  const out: Attributes = {};
  flattenJsonKeyValuesInto(list, out, 0);
  return out;
}

/**
 * A plain JSON value (as found in MLflow span attributes and event attributes) as an AttrValue,
 * with the same depth cap and non-finite number handling. `bigint` becomes a number if safe,
 * otherwise a string.
 */
export function jsonToAttrValue(v: unknown, depth: number): AttrValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return doubleToAttr(v);
    case "bigint":
      return int64FromJson(v);
    case "object": {
      if (depth >= MAX_ATTR_DEPTH) return TRUNCATED_VALUE;
      if (Array.isArray(v)) {
        const out: AttrValue[] = new Array<AttrValue>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = jsonToAttrValue(v[i], depth + 1);
        return out;
      }
      const out: Record<string, AttrValue> = {};
      for (const key of Object.keys(v)) setAttr(out, key, jsonToAttrValue((v as Obj)[key], depth + 1));
      return out;
    }
    default:
      return null;
  }
}

/** A plain JSON object as attributes (top-level values at depth 0). */
export function jsonObjectToAttributes(obj: Obj): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(obj)) setAttr(out, key, jsonToAttrValue(obj[key], 0));
  return out;
}
