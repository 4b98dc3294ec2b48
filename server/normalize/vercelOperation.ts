/** Which Vercel AI SDK operation a span records (`ai.generateText`, `ai.generateText.doGenerate`, …). */
import type { NormalizeContext } from "./context";

/**
 * The Vercel AI SDK operation id: `ai.operationId`, else the first word of `operation.name`
 * (which may carry a function id after a space), when it starts with `ai.`.
 */
export function vercelOperation(ctx: NormalizeContext): string | null {
  const id = ctx.attrs["ai.operationId"];
  if (typeof id === "string" && id.length > 0) return id;
  const name = ctx.attrs["operation.name"];
  if (typeof name !== "string" || !name.startsWith("ai.")) return null;
  const space = name.indexOf(" ");
  return space < 0 ? name : name.slice(0, space);
}

/** True for the provider-call spans of the Vercel AI SDK (`*.doGenerate`, `*.doStream`). */
export function isVercelModelCall(operation: string | null): boolean {
  return operation !== null && (operation.endsWith(".doGenerate") || operation.endsWith(".doStream"));
}
