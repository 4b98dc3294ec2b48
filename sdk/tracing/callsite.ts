/**
 * The caller's source location, from one stack frame: `Error.captureStackTrace` with a one-frame
 * limit, skipping everything above the given SDK function. Costs about a microsecond.
 */
import { fileURLToPath } from "node:url";

export interface CallSite {
  functionName: string | null;
  filePath: string;
  line: number;
  column: number;
}

// "    at fn (/a/b.ts:1:2)", "    at async fn (file:///a/b.mjs:1:2)", "    at /a/b.ts:1:2", "    at new X (...)"
const FRAME_RE = /^\s*at (?:(?:async )?(.*?) \()?(.+?):(\d+):(\d+)\)?\s*$/;

/** Parses one V8 stack frame line; null for native / eval frames or anything unexpected. */
export function parseStackFrame(line: string): CallSite | null {
  const match = FRAME_RE.exec(line);
  if (!match) return null;
  const [, rawName, rawFile, rawLine, rawColumn] = match;
  if (rawFile === undefined || rawLine === undefined || rawColumn === undefined) return null;
  let filePath = rawFile;
  if (filePath.startsWith("file://")) {
    try {
      filePath = fileURLToPath(filePath);
    } catch {
      // keep the URL
    }
  }
  let functionName = rawName === undefined || rawName === "" ? null : rawName.replace(/^new /, "");
  if (functionName === "<anonymous>" || functionName === "Object.<anonymous>") functionName = null;
  return { functionName, filePath, line: Number(rawLine), column: Number(rawColumn) };
}

/** The frame that called `above` (a function object on the current stack), or null. Never throws. */
export function captureCallSite(above: (...args: never[]) => unknown): CallSite | null {
  const holder: { stack?: string } = {};
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 1;
    Error.captureStackTrace(holder, above);
  } catch {
    return null;
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  const frame = holder.stack?.split("\n")[1];
  return frame === undefined ? null : parseStackFrame(frame);
}
