/**
 * `scorelens eval --scorers` arguments → scorer files: plain paths as given, globs (`*`, `**`,
 * `?`, `{a,b}`) expanded by walking from their fixed prefix, skipping node_modules and dot folders.
 * Then each file's exported scorers, found as the editor finds them (findScorers).
 */
import fs from "node:fs";
import path from "node:path";
import type { ScorerDef } from "../../protocol/scoring";
import { findScorers, SCORER_FILE_EXTENSIONS } from "../scorers/discovery/findScorers";

const SKIP = new Set(["node_modules", "dist", "out"]);
const MAX_FILES = 20_000;

/** A glob as a RegExp over "/"-separated paths relative to its base. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) re += "\\{";
      else {
        re += `(?:${glob.slice(i + 1, end).split(",").map(escape).join("|")})`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\*?]/g, "\\$&");
}

const isGlob = (s: string) => /[*?{]/.test(s);

/** Files named by the arguments (absolute, sorted, unique). Throws when an argument matches nothing. */
export function expandScorerArgs(args: readonly string[], cwd: string): string[] {
  const out = new Set<string>();
  for (const arg of args) {
    const norm = arg.replace(/\\/g, "/");
    if (!isGlob(norm)) {
      const abs = path.resolve(cwd, arg);
      if (!fs.existsSync(abs)) throw new Error(`--scorers ${arg}: no such file`);
      out.add(abs);
      continue;
    }
    const parts = norm.split("/");
    const fixed: string[] = [];
    while (parts.length > 1 && !isGlob(parts[0] as string)) fixed.push(parts.shift() as string);
    const base = path.resolve(cwd, fixed.join("/") || ".");
    const re = globToRegExp(parts.join("/"));
    const before = out.size;
    walk(base, "", re, out);
    if (out.size === before) throw new Error(`--scorers ${arg}: no files match`);
  }
  return [...out].sort();
}

function walk(dir: string, rel: string, re: RegExp, out: Set<string>): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (out.size >= MAX_FILES) return;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP.has(e.name) && !e.name.startsWith(".")) walk(path.join(dir, e.name), r, re, out);
    } else if (e.isFile() && re.test(r) && SCORER_FILE_EXTENSIONS.some((x) => e.name.endsWith(x)) && !e.name.endsWith(".d.ts")) {
      out.add(path.join(dir, e.name));
    }
  }
}

/** The exported scorers of the files (non-exported ones can't be loaded, and are reported). */
export function scorersIn(files: readonly string[]): { defs: ScorerDef[]; notes: string[] } {
  const defs: ScorerDef[] = [];
  const notes: string[] = [];
  for (const file of files) {
    const found = findScorers(fs.readFileSync(file, "utf8"), file);
    for (const d of found) {
      if (d.exportName === null) notes.push(`${path.basename(file)}: ${d.name} is not exported, so it can't run (export it)`);
      else defs.push(d);
    }
  }
  return { defs, notes };
}
