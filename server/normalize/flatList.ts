/**
 * Rebuilds flattened attribute lists (`<prefix>.<i>.<a>.<b>` → `[{a: {b: …}}]`) from the entries
 * the attribute scan collected. Numeric path segments become arrays (ordered by index, holes
 * dropped), other segments become object keys. Values are placed, never copied.
 */
import type { IndexedEntry } from "./attributeScan";
import { setOwn } from "./jsonValue";

/** Build-time containers, distinguishable from attribute values (which are never instances). */
class ObjNode {
  readonly fields = new Map<string, unknown>();
}
class ListNode {
  readonly items = new Map<number, unknown>();
}

function indexOf(segment: string): number {
  if (segment.length === 0 || segment.length > 9) return -1;
  let n = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

function getChild(parent: ObjNode | ListNode, segment: string | number): unknown {
  return parent instanceof ObjNode ? parent.fields.get(segment as string) : parent.items.get(segment as number);
}

function setChild(parent: ObjNode | ListNode, segment: string | number, value: unknown): void {
  if (parent instanceof ObjNode) parent.fields.set(segment as string, value);
  else parent.items.set(segment as number, value);
}

function insert(root: ObjNode, path: string, value: unknown): void {
  const segments = path.split(".");
  let node: ObjNode | ListNode = root;
  let key: string | number = segments[0] ?? "";
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i] ?? "";
    const idx = indexOf(seg);
    const existing = getChild(node, key);
    let next: ObjNode | ListNode;
    if (idx >= 0 ? existing instanceof ListNode : existing instanceof ObjNode) {
      next = existing as ObjNode | ListNode;
    } else {
      next = idx >= 0 ? new ListNode() : new ObjNode();
      setChild(node, key, next);
    }
    node = next;
    key = idx >= 0 ? idx : seg;
  }
  const current = getChild(node, key);
  // A container already built at this spot is richer than a scalar; keep it.
  if (!(current instanceof ObjNode) && !(current instanceof ListNode)) setChild(node, key, value);
}

function finalize(node: unknown): unknown {
  if (node instanceof ObjNode) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of node.fields) setOwn(out, k, finalize(v));
    return out;
  }
  if (node instanceof ListNode) return finalizeList(node.items);
  return node;
}

function finalizeList(items: Map<number, unknown>): unknown[] {
  const keys = [...items.keys()].sort((a, b) => a - b);
  const out: unknown[] = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = finalize(items.get(keys[i] as number));
  return out;
}

/** Rebuild the list described by `entries` (already stripped of their common prefix). */
export function unflattenIndexed(entries: readonly IndexedEntry[]): unknown[] {
  const items = new Map<number, unknown>();
  for (const e of entries) {
    if (e.path === "") {
      const current = items.get(e.index);
      if (!(current instanceof ObjNode)) items.set(e.index, e.value);
      continue;
    }
    let node = items.get(e.index);
    if (!(node instanceof ObjNode)) {
      node = new ObjNode();
      items.set(e.index, node);
    }
    insert(node as ObjNode, e.path, e.value);
  }
  return finalizeList(items);
}
