/**
 * The span tree of one trace, built from the light {@link SpanSkeleton}s, for the trace panel's
 * tree + waterfall (and anything else that needs parent/child navigation).
 *
 * Out-of-order and partial telemetry is the normal case (model-codebases convention 8):
 * - spans whose parent is not in the trace (not arrived yet, dropped by a sampler, exported by
 *   another process) are **re-parented under the root** (the earliest parentless span), or
 *   become roots when the trace has no root yet; they are flagged in `orphanIds`, never dropped;
 * - parent cycles (corrupt data) are broken at one span per cycle, which is treated like an
 *   orphan (re-parented under the root, or made a root) and flagged in `orphanIds` and `cycleIds`;
 * - a duplicated span id keeps the last copy (a later export of the same span is the most complete).
 *
 * Everything is O(n) apart from sorting siblings by start time (O(n log n) in total) and
 * iterative: a 50,000-deep chain does not touch the call stack. Pure: no DOM, no Node.
 */
import type { SpanSkeleton } from "./model";

export interface SpanTree {
  /** Top-level spans, sorted by start time (normally one: the root). */
  readonly roots: readonly string[];
  readonly byId: ReadonlyMap<string, SpanSkeleton>;
  /** Children of each span that has any, sorted by start time. Leaves have no entry. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  /** The effective parent (after re-parenting); null for roots. */
  readonly parentOf: ReadonlyMap<string, string | null>;
  /** 0 for roots. */
  readonly depth: ReadonlyMap<string, number>;
  /** Spans whose declared parent is missing (or was part of a cycle); shown with an "orphan" marker. */
  readonly orphanIds: ReadonlySet<string>;
  /** Spans at which a parent cycle was broken (also in `orphanIds`). */
  readonly cycleIds: ReadonlySet<string>;
  /** Number of span copies that were dropped because their id was seen again. */
  readonly duplicateCount: number;
}

const NO_CHILDREN: readonly string[] = Object.freeze([]);

/** Builds the tree; see the module comment for how orphans, cycles and duplicates are handled. */
export function buildSpanTree(spans: readonly SpanSkeleton[]): SpanTree {
  const byId = new Map<string, SpanSkeleton>();
  /** First-seen position of each id: a stable tie-break for equal start times. */
  const seq = new Map<string, number>();
  let duplicateCount = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (byId.has(s.spanId)) duplicateCount++;
    else seq.set(s.spanId, i);
    byId.set(s.spanId, s);
  }

  const cmp = (a: string, b: string): number => {
    const sa = byId.get(a)!;
    const sb = byId.get(b)!;
    return sa.startMs - sb.startMs || seq.get(a)! - seq.get(b)!;
  };

  // The root is the earliest parentless span. A span that names itself as its parent is a
  // one-span cycle: handled like an orphan below.
  const parentOf = new Map<string, string | null>();
  const orphanIds = new Set<string>();
  const cycleIds = new Set<string>();
  let primaryRoot: string | null = null;
  for (const [id, s] of byId) {
    const p = s.parentSpanId;
    if (p === null || p === "") {
      parentOf.set(id, null);
      if (primaryRoot === null || cmp(id, primaryRoot) < 0) primaryRoot = id;
    } else if (p === id) {
      cycleIds.add(id);
      parentOf.set(id, p);
    } else {
      parentOf.set(id, p);
    }
  }
  for (const [id, p] of parentOf) {
    if (p !== null && (p === id || !byId.has(p))) {
      parentOf.set(id, primaryRoot);
      orphanIds.add(id);
    }
  }

  const children = new Map<string, string[]>();
  const roots: string[] = [];
  const addChild = (parent: string | null, id: string): void => {
    if (parent === null) {
      roots.push(id);
      return;
    }
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(id);
  };
  for (const [id, p] of parentOf) addChild(p, id);

  // Depths by iterative DFS from the roots; whatever stays unvisited hangs off a cycle.
  const depth = new Map<string, number>();
  const visit = (start: string, startDepth: number): void => {
    const stack: string[] = [start];
    depth.set(start, startDepth);
    while (stack.length > 0) {
      const id = stack.pop()!;
      const d = depth.get(id)!;
      const kids = children.get(id);
      if (!kids) continue;
      for (const k of kids) {
        if (depth.has(k)) continue; // defensive: only reachable through a broken edge
        depth.set(k, d + 1);
        stack.push(k);
      }
    }
  };
  for (const r of roots) visit(r, 0);

  if (depth.size < byId.size) {
    for (const id of byId.keys()) {
      if (depth.has(id)) continue;
      // Walk up until a span repeats: that span is on the cycle; break its parent edge.
      const onWalk = new Set<string>();
      let c = id;
      while (!onWalk.has(c)) {
        onWalk.add(c);
        c = parentOf.get(c)!;
      }
      const oldParent = parentOf.get(c)!;
      const siblings = children.get(oldParent)!;
      siblings.splice(siblings.indexOf(c), 1);
      if (siblings.length === 0) children.delete(oldParent);
      const newParent = primaryRoot;
      parentOf.set(c, newParent);
      addChild(newParent, c);
      orphanIds.add(c);
      cycleIds.add(c);
      visit(c, newParent === null ? 0 : depth.get(newParent)! + 1);
    }
  }

  roots.sort(cmp);
  for (const list of children.values()) if (list.length > 1) list.sort(cmp);

  return { roots, byId, children, parentOf, depth, orphanIds, cycleIds, duplicateCount };
}

/** The children of a span (empty for leaves and unknown ids). */
export function childrenOf(tree: SpanTree, id: string): readonly string[] {
  return tree.children.get(id) ?? NO_CHILDREN;
}

/** The visible rows: a pre-order walk that does not descend into collapsed spans. Iterative. */
export function flattenVisible(tree: SpanTree, collapsed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (let i = tree.roots.length - 1; i >= 0; i--) stack.push(tree.roots[i]!);
  while (stack.length > 0) {
    const id = stack.pop()!;
    out.push(id);
    if (collapsed.has(id)) continue;
    const kids = tree.children.get(id);
    if (!kids) continue;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}

/** Ancestors of a span, nearest first (empty for roots and unknown ids). */
export function ancestorsOf(tree: SpanTree, id: string): string[] {
  const out: string[] = [];
  let p = tree.parentOf.get(id) ?? null;
  // parentOf is acyclic after buildSpanTree; the bound is a guard for hand-made trees.
  while (p !== null && out.length <= tree.byId.size) {
    out.push(p);
    p = tree.parentOf.get(p) ?? null;
  }
  return out;
}

/** The end of the latest span, in ms from the trace start (0 for an empty tree). */
export function spanExtentMs(tree: SpanTree): number {
  let end = 0;
  for (const s of tree.byId.values()) {
    const e = s.startMs + Math.max(0, s.durationMs);
    if (e > end) end = e;
  }
  return end;
}
