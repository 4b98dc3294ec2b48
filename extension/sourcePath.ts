/**
 * Where a span's `code.file.path` / `code.line.number` (or the older `code.filepath` /
 * `code.lineno`) point, restricted to the open workspace folders. Pure (node:path only).
 */
import * as path from "node:path";
import type { Attributes } from "../protocol/model";

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

export type SourceLookup = { ok: true; location: SourceLocation } | { ok: false; message: string };

function num(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : null;
}

export function sourceOf(attrs: Attributes, workspaceFolders: readonly string[], platformPath: path.PlatformPath = path): SourceLookup {
  const raw = attrs["code.file.path"] ?? attrs["code.filepath"];
  if (typeof raw !== "string" || raw.trim() === "") return { ok: false, message: "this span has no code.file.path attribute" };
  let file = raw.trim();
  if (file.startsWith("file://")) {
    try {
      file = decodeURIComponent(new URL(file).pathname);
    } catch {
      return { ok: false, message: `not a valid file URL: ${raw}` };
    }
  }
  if (workspaceFolders.length === 0) return { ok: false, message: "open a workspace folder to reveal source files" };
  const candidates = platformPath.isAbsolute(file) ? [platformPath.normalize(file)] : workspaceFolders.map((f) => platformPath.resolve(f, file));
  for (const candidate of candidates) {
    for (const folder of workspaceFolders) {
      const rel = platformPath.relative(platformPath.normalize(folder), candidate);
      if (rel !== "" && !rel.startsWith("..") && !platformPath.isAbsolute(rel)) {
        return {
          ok: true,
          location: {
            file: candidate,
            line: num(attrs["code.line.number"] ?? attrs["code.lineno"]) ?? 1,
            column: num(attrs["code.column.number"] ?? attrs["code.column"]) ?? 1,
          },
        };
      }
    }
  }
  return { ok: false, message: `refused: ${file} is outside the workspace` };
}
