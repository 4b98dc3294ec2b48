/**
 * The attribute conventions the normalizer understands, in priority order: for every
 * normalized field, the first convention (in this order) that provides a value wins.
 *
 * Langfuse appears twice in the resolution chains: its explicit per-observation overrides
 * (`langfuse.observation.type` other than "span"/"event", `langfuse.observation.input|output`,
 * `langfuse.observation.model.name`, `usage_details`, `cost_details`, `langfuse.session.id`,
 * `langfuse.user.id`) rank first; its remaining keys (trace input/output, tags, metadata, level)
 * rank last, just above the fallback heuristics. It is listed first here.
 */
export const CONVENTIONS = ["langfuse", "mlflow", "openinference", "genai", "traceloop", "vercel"] as const;
export type Convention = (typeof CONVENTIONS)[number];

/** Bit flags, one per convention, indexed like {@link CONVENTIONS}. */
export const LANGFUSE = 1 << 0;
export const MLFLOW = 1 << 1;
export const OPENINFERENCE = 1 << 2;
export const GENAI = 1 << 3;
export const TRACELOOP = 1 << 4;
export const VERCEL = 1 << 5;

/** The recognized conventions as names, in priority order. */
export function conventionNames(flags: number): Convention[] {
  const out: Convention[] = [];
  for (let i = 0; i < CONVENTIONS.length; i++) {
    if ((flags & (1 << i)) !== 0) out.push(CONVENTIONS[i] as Convention);
  }
  return out;
}
