/**
 * How `trace()` turns call arguments into span inputs:
 * - no arguments: `{}`;
 * - exactly one argument that is a non-array object: that object as-is;
 * - otherwise, when the wrapped function's parameter list is simple (plain identifiers, defaults,
 *   a rest parameter) and covers the arguments: `{ <param>: arg, ..., <rest>: [...] }`;
 * - otherwise `{ args: [...] }`.
 * Parameter names are parsed once per wrapped function from `Function.prototype.toString`.
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
}

/** Index of the `)` closing the `(` at `open`, skipping nested brackets and string literals; -1 if none. */
function matchingParen(source: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (quote !== null) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return ch === ")" ? i : -1;
    }
  }
  return -1;
}

/** Splits on commas at nesting depth 0 (outside strings). */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (quote !== null) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== "");
}

export interface ParameterNames {
  names: string[];
  /** Name of a trailing `...rest` parameter, if any (not included in `names`). */
  rest: string | null;
}

/** Parameter names of a function, or null when they are not simple identifiers (destructuring, native, bound, class). */
export function parseParameterNames(fn: (...args: never[]) => unknown): ParameterNames | null {
  let source: string;
  try {
    source = stripComments(Function.prototype.toString.call(fn)).trim();
  } catch {
    return null;
  }
  if (source.includes("[native code]") || source.startsWith("class")) return null;

  let list: string;
  const bareArrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (bareArrow?.[1] !== undefined && bareArrow[1] !== "function") {
    list = bareArrow[1];
  } else {
    const open = source.indexOf("(");
    if (open < 0) return null;
    const close = matchingParen(source, open);
    if (close < 0) return null;
    list = source.slice(open + 1, close);
  }

  const names: string[] = [];
  let rest: string | null = null;
  const parts = splitTopLevel(list);
  for (const [index, part] of parts.entries()) {
    if (part.startsWith("...")) {
      const name = part.slice(3).trim();
      if (index !== parts.length - 1 || !IDENTIFIER.test(name)) return null;
      rest = name;
      continue;
    }
    const eq = part.indexOf("=");
    const name = (eq >= 0 ? part.slice(0, eq) : part).trim();
    if (!IDENTIFIER.test(name)) return null;
    names.push(name);
  }
  return { names, rest };
}

/** Span inputs for one call (see the module doc). The values are not copied; they are serialized right after. */
export function buildInputs(args: readonly unknown[], params: ParameterNames | null): unknown {
  if (args.length === 0) return {};
  const first = args[0];
  if (args.length === 1 && typeof first === "object" && first !== null && !Array.isArray(first)) return first;
  if (params !== null && (args.length <= params.names.length || params.rest !== null)) {
    const named: Record<string, unknown> = {};
    for (const [index, name] of params.names.entries()) {
      if (index < args.length) named[name] = args[index];
    }
    if (params.rest !== null) named[params.rest] = args.slice(params.names.length);
    return named;
  }
  return { args: [...args] };
}
