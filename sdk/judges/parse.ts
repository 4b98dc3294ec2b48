/**
 * Reading a judge model's answer. Judges ask for strict JSON `{"rationale": "...", "result": ...}`;
 * models often wrap it in a code fence or put text around it, so {@link extractJsonObject} takes
 * the first JSON object that parses (fenced blocks first, then each balanced `{…}` in the text).
 */
import { JudgeParseError } from "./errors";

/** How much of an unparseable answer is kept (in the error message and metadata). */
export const MAX_RAW_ANSWER_CHARS = 2_000;

export function truncateRaw(text: string): string {
  return text.length > MAX_RAW_ANSWER_CHARS ? `${text.slice(0, MAX_RAW_ANSWER_CHARS)}…[truncated ${text.length - MAX_RAW_ANSWER_CHARS} chars]` : text;
}

function tryObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The end index (exclusive) of the balanced `{…}` starting at `start`, string-aware, or -1. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The first JSON object in `text` (whole text, fenced blocks, then balanced braces), or null. */
export function extractJsonObject(text: string): Record<string, unknown> | null {
  const whole = tryObject(text.trim());
  if (whole !== null) return whole;
  for (const match of text.matchAll(/```[a-zA-Z]*\s*([\s\S]*?)```/g)) {
    const fenced = tryObject((match[1] ?? "").trim());
    if (fenced !== null) return fenced;
  }
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    const end = balancedEnd(text, start);
    if (end === -1) continue;
    const found = tryObject(text.slice(start, end));
    if (found !== null) return found;
  }
  return null;
}

export interface ParsedAnswer {
  rationale: string | null;
  result: unknown;
  object: Record<string, unknown>;
}

/** `{ rationale, result }` from the answer; throws {@link JudgeParseError} (keeping the raw text) otherwise. */
export function parseJudgeAnswer(text: string, expected: string): ParsedAnswer {
  const object = extractJsonObject(text);
  if (object === null) throw new JudgeParseError(`the judge model's answer is not JSON ${expected}; raw answer: ${truncateRaw(text)}`, truncateRaw(text));
  if (!("result" in object)) throw new JudgeParseError(`the judge model's answer has no "result" (${expected}); raw answer: ${truncateRaw(text)}`, truncateRaw(text));
  const rationale = object["rationale"];
  return { rationale: typeof rationale === "string" ? rationale : rationale === undefined || rationale === null ? null : JSON.stringify(rationale), result: object["result"], object };
}

/** "yes"/"no" from yes/no, true/false, pass/fail (any case), or null. */
export function toYesNo(value: unknown): "yes" | "no" | null {
  if (value === true) return "yes";
  if (value === false) return "no";
  if (typeof value !== "string") return null;
  const word = value.trim().toLowerCase().replace(/[.!"'[\]]/g, "");
  if (word === "yes" || word === "true" || word === "pass") return "yes";
  if (word === "no" || word === "false" || word === "fail") return "no";
  return null;
}

/** A finite number from a number or numeric string, or null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value.trim());
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** Throws the parse error for a result that has the wrong form. */
export function badResult(text: string, expected: string, result: unknown): never {
  throw new JudgeParseError(`the judge model's "result" is ${JSON.stringify(result)}, expected ${expected}; raw answer: ${truncateRaw(text)}`, truncateRaw(text));
}
