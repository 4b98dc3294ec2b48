/**
 * A small .gitignore matcher for the common syntax: blank lines and `#` comments, `!` negation,
 * a trailing `/` (directories only), a leading or middle `/` (anchored to the .gitignore's folder),
 * `*`, `?`, `[a-z]` / `[!a-z]` classes, `**` (as a whole leading, trailing or middle path segment)
 * and backslash escapes. The last matching rule wins, and nothing inside an ignored directory can be
 * re-included, as in git.
 *
 * Paths are relative to the .gitignore's folder, with `/` separators and no leading `./`.
 */

interface Rule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

export interface GitignoreMatcher {
  /** Whether `relPath` (a file, or a directory when `isDir`) is ignored, its parent directories included. */
  ignores(relPath: string, isDir: boolean): boolean;
  /** Whether `relPath` itself matches, assuming its parents are not ignored (what a walker that skips ignored directories needs). */
  matches(relPath: string, isDir: boolean): boolean;
  readonly ruleCount: number;
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** Translates a bracket expression starting at `start` ("["); returns [regex, next index] or null when unterminated. */
function bracket(p: string, start: number): [string, number] | null {
  let i = start + 1;
  let negate = false;
  if (p[i] === "!" || p[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === "]" && !first) return [`[${negate ? "^" : ""}${body}]`, i + 1];
    if (c === "\\" && i + 1 < p.length) {
      body += `\\${p[i + 1]}`;
      i += 2;
    } else {
      body += c === "\\" || c === "]" || c === "[" || c === "^" ? `\\${c}` : c;
      i++;
    }
    first = false;
  }
  return null;
}

function compilePattern(pattern: string, anchored: boolean): RegExp {
  let re = "";
  let i = 0;
  const p = pattern;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === "*") {
      let j = i;
      while (p[j] === "*") j++;
      const atSegmentStart = i === 0 || p[i - 1] === "/";
      const atSegmentEnd = j === p.length || p[j] === "/";
      if (j - i >= 2 && atSegmentStart && atSegmentEnd) {
        if (j === p.length) {
          re += ".*"; // "/**" at the end (or a lone "**"): everything below
          i = j;
        } else {
          re += "(?:.*/)?"; // "**/": zero or more directories
          i = j + 1;
        }
      } else {
        re += "[^/]*";
        i = j;
      }
    } else if (c === "?") {
      re += "[^/]";
      i++;
    } else if (c === "[") {
      const b = bracket(p, i);
      if (b) {
        re += b[0];
        i = b[1];
      } else {
        re += "\\[";
        i++;
      }
    } else if (c === "\\" && i + 1 < p.length) {
      re += escapeRegex(p[i + 1] as string);
      i += 2;
    } else {
      re += escapeRegex(c);
      i++;
    }
  }
  return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${re}$`);
}

function parseLine(raw: string): Rule | null {
  let line = raw.replace(/\r$/, "");
  // Trailing spaces are ignored unless escaped.
  line = line.replace(/(?<!\\)\s+$/, "");
  if (line === "" || line.startsWith("#")) return null;
  let negate = false;
  if (line.startsWith("!")) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith("/") && !line.endsWith("\\/")) {
    dirOnly = true;
    line = line.replace(/\/+$/, "");
  }
  if (line === "") return null;
  const anchored = line.includes("/");
  if (line.startsWith("/")) line = line.slice(1);
  if (line === "") return null;
  return { regex: compilePattern(line, anchored), negate, dirOnly };
}

export function parseGitignore(text: string): GitignoreMatcher {
  const rules: Rule[] = [];
  for (const raw of text.split("\n")) {
    const rule = parseLine(raw);
    if (rule) rules.push(rule);
  }
  const matches = (relPath: string, isDir: boolean): boolean => {
    const p = relPath.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
    if (p === "") return false;
    let ignored = false;
    for (const rule of rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.negate === ignored && rule.regex.test(p)) ignored = !rule.negate;
    }
    return ignored;
  };
  return {
    ruleCount: rules.length,
    matches,
    ignores(relPath: string, isDir: boolean): boolean {
      const parts = relPath.replace(/\\/g, "/").replace(/^\.\//, "").split("/").filter((s) => s !== "");
      for (let i = 1; i < parts.length; i++) {
        if (matches(parts.slice(0, i).join("/"), true)) return true;
      }
      return matches(parts.join("/"), isDir);
    },
  };
}

/** A matcher that ignores nothing (no .gitignore). */
export const EMPTY_GITIGNORE: GitignoreMatcher = parseGitignore("");
