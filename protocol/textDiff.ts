/**
 * Sequence alignment (LCS with a cost cap and a greedy fallback), a side-by-side line diff,
 * and stable JSON text for comparing and showing span inputs/outputs.
 *
 * Pure: no DOM, no Node built-ins. Used by protocol/traceAlign and the compare webview.
 */

/** One step of an alignment: both indexes set = matched; one null = a gap on that side. */
export type AlignStep = readonly [number | null, number | null];

export interface SequenceAlignment {
  steps: AlignStep[];
  /** "lcs" = optimal; "greedy" = the sequences were too long for the DP table. */
  method: "lcs" | "greedy";
}

/** Default DP budget: 5,000 × 5,000 cells (50 MB of Uint16). */
export const DEFAULT_MAX_CELLS = 5000 * 5000;
/** How far the greedy fallback looks ahead for a resynchronization point. */
const GREEDY_WINDOW = 200;

function toIds(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const map = (xs: readonly string[]): Int32Array => {
    const out = new Int32Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const k = xs[i] as string;
      let id = ids.get(k);
      if (id === undefined) {
        id = ids.size;
        ids.set(k, id);
      }
      out[i] = id;
    }
    return out;
  };
  return [map(a), map(b)];
}

/**
 * Aligns two sequences of keys so that equal keys pair up in order (a longest common
 * subsequence); everything else becomes a one-sided gap. Deletions are emitted before
 * insertions between two matches, like a unified diff.
 *
 * Common prefix and suffix are matched first, so near-identical sequences are cheap. If the
 * remaining middle needs more than `maxCells` DP cells, a greedy look-ahead aligner is used.
 */
export function alignSequences(a: readonly string[], b: readonly string[], maxCells = DEFAULT_MAX_CELLS): SequenceAlignment {
  const [x, y] = toIds(a, b);
  const n = x.length;
  const m = y.length;
  let pre = 0;
  while (pre < n && pre < m && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < n - pre && suf < m - pre && x[n - 1 - suf] === y[m - 1 - suf]) suf++;

  const steps: AlignStep[] = [];
  for (let i = 0; i < pre; i++) steps.push([i, i]);

  const n2 = n - pre - suf;
  const m2 = m - pre - suf;
  let method: SequenceAlignment["method"] = "lcs";
  if (n2 === 0) {
    for (let j = 0; j < m2; j++) steps.push([null, pre + j]);
  } else if (m2 === 0) {
    for (let i = 0; i < n2; i++) steps.push([pre + i, null]);
  } else if (n2 * m2 <= maxCells) {
    lcsMiddle(x, y, pre, n2, m2, steps);
  } else {
    method = "greedy";
    greedyMiddle(x, y, pre, n2, m2, steps);
  }

  for (let k = suf; k > 0; k--) steps.push([n - k, m - k]);
  return { steps, method };
}

/** Suffix-LCS table over the middle, then a forward walk: O(n·m) time and cells. */
function lcsMiddle(x: Int32Array, y: Int32Array, off: number, n: number, m: number, steps: AlignStep[]): void {
  const w = m + 1;
  // An LCS is at most min(n, m) long, so 16 bits suffice unless both sides exceed 65,535.
  const table = Math.min(n, m) < 0xffff ? new Uint16Array((n + 1) * w) : new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    const xi = x[off + i];
    const row = i * w;
    const next = row + w;
    for (let j = m - 1; j >= 0; j--) {
      if (xi === y[off + j]) table[row + j] = (table[next + j + 1] as number) + 1;
      else {
        const down = table[next + j] as number;
        const right = table[row + j + 1] as number;
        table[row + j] = down >= right ? down : right;
      }
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[off + i] === y[off + j]) {
      steps.push([off + i, off + j]);
      i++;
      j++;
    } else if ((table[(i + 1) * w + j] as number) >= (table[i * w + j + 1] as number)) {
      steps.push([off + i, null]);
      i++;
    } else {
      steps.push([null, off + j]);
      j++;
    }
  }
  for (; i < n; i++) steps.push([off + i, null]);
  for (; j < m; j++) steps.push([null, off + j]);
}

/**
 * Linear-time fallback: match when equal; otherwise look ahead (bounded window) for the
 * nearest resynchronization on either side and emit the skipped items as gaps.
 */
function greedyMiddle(x: Int32Array, y: Int32Array, off: number, n: number, m: number, steps: AlignStep[]): void {
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const xi = x[off + i];
    const yj = y[off + j];
    if (xi === yj) {
      steps.push([off + i, off + j]);
      i++;
      j++;
      continue;
    }
    let db = -1; // distance in y to the next occurrence of x[i]
    for (let k = 1; k <= GREEDY_WINDOW && j + k < m; k++) {
      if (y[off + j + k] === xi) {
        db = k;
        break;
      }
    }
    let da = -1; // distance in x to the next occurrence of y[j]
    for (let k = 1; k <= GREEDY_WINDOW && i + k < n; k++) {
      if (x[off + i + k] === yj) {
        da = k;
        break;
      }
    }
    if (db !== -1 && (da === -1 || db <= da)) {
      for (let k = 0; k < db; k++) steps.push([null, off + j + k]);
      j += db;
    } else if (da !== -1) {
      for (let k = 0; k < da; k++) steps.push([off + i + k, null]);
      i += da;
    } else {
      steps.push([off + i, null]);
      steps.push([null, off + j]);
      i++;
      j++;
    }
  }
  for (; i < n; i++) steps.push([off + i, null]);
  for (; j < m; j++) steps.push([null, off + j]);
}

// ─── line diff ────────────────────────────────────────────────────────────────

export type LineDiffKind = "same" | "changed" | "removed" | "added";

export interface DiffLine {
  kind: LineDiffKind;
  /** 1-based line numbers; null on the side that has no line. */
  leftNo: number | null;
  left: string | null;
  rightNo: number | null;
  right: string | null;
}

export interface LineDiff {
  lines: DiffLine[];
  /** Number of rows that are not "same". */
  changes: number;
  method: SequenceAlignment["method"];
}

/** Splits text into lines ("" → no lines; a trailing newline does not add an empty line). */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * A side-by-side line diff. Between two unchanged lines, removed and added lines are paired up
 * as "changed" rows (left and right on one row); the surplus stays "removed" or "added".
 */
export function diffLines(left: string, right: string, maxCells = 2000 * 2000): LineDiff {
  const a = splitLines(left);
  const b = splitLines(right);
  const { steps, method } = alignSequences(a, b, maxCells);
  const lines: DiffLine[] = [];
  let changes = 0;
  let k = 0;
  while (k < steps.length) {
    const [i, j] = steps[k] as AlignStep;
    if (i !== null && j !== null) {
      lines.push({ kind: "same", leftNo: i + 1, left: a[i] as string, rightNo: j + 1, right: b[j] as string });
      k++;
      continue;
    }
    // a run of gaps: collect removed and added, then pair them
    const removed: number[] = [];
    const added: number[] = [];
    while (k < steps.length) {
      const [ri, rj] = steps[k] as AlignStep;
      if (ri !== null && rj !== null) break;
      if (ri !== null) removed.push(ri);
      if (rj !== null) added.push(rj);
      k++;
    }
    const paired = Math.min(removed.length, added.length);
    for (let p = 0; p < Math.max(removed.length, added.length); p++) {
      const ri = p < removed.length ? (removed[p] as number) : null;
      const rj = p < added.length ? (added[p] as number) : null;
      lines.push({
        kind: p < paired ? "changed" : ri !== null ? "removed" : "added",
        leftNo: ri === null ? null : ri + 1,
        left: ri === null ? null : (a[ri] as string),
        rightNo: rj === null ? null : rj + 1,
        right: rj === null ? null : (b[rj] as string),
      });
      changes++;
    }
  }
  return { lines, changes, method };
}

// ─── stable JSON ──────────────────────────────────────────────────────────────

const MAX_DEPTH = 200;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stable(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new RangeError("too deep");
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : stable(x, depth + 1)));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = v[k];
      if (x !== undefined) out[k] = stable(x, depth + 1);
    }
    return out;
  }
  return v;
}

/**
 * JSON with object keys sorted at every level, so equal values give equal text whatever the
 * key order. Values nested deeper than 200 levels are stringified as they are.
 */
export function stableStringify(value: unknown, indent?: number): string {
  if (value === undefined) return "";
  let sorted: unknown;
  try {
    sorted = stable(value, 0);
  } catch {
    sorted = value;
  }
  try {
    return JSON.stringify(sorted, null, indent) ?? "";
  } catch {
    return String(value);
  }
}

/**
 * Text to show (and line-diff) for a span's inputs or outputs: strings as they are (chat text
 * keeps its line breaks), anything else as pretty JSON with sorted keys, null/undefined as "".
 * Capped at `maxChars` with a marker line, so a multi-MB payload cannot freeze a webview.
 */
export function displayText(value: unknown, maxChars = 200_000): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : stableStringify(value, 2);
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n… (${(text.length - maxChars).toLocaleString("en-US")} more characters not shown)`;
}

/** True when a span's inputs/outputs value carries something (not null, undefined, "", {} or []). */
export function hasContent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
