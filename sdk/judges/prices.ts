/**
 * A small price table for judge cost (USD per 1M tokens, the providers' public list prices for
 * standard API calls as of mid-2025; check your own contract). A model matches an entry by exact
 * name or as `<entry>-<suffix>` (dated snapshots such as `gpt-4o-mini-2024-07-18`), the longest
 * entry winning; a `provider/` prefix is ignored. Models not listed (local Ollama / LM Studio /
 * vLLM models, Azure deployments with custom names) get no cost.
 */

export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export const JUDGE_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "o4-mini": { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  "gpt-3.5-turbo": { inputPerMillion: 0.5, outputPerMillion: 1.5 },
});

/** The price entry for `model`, or null. */
export function priceFor(model: string): ModelPrice | null {
  const name = model.trim().toLowerCase().replace(/^.*\//, "");
  let best: string | null = null;
  for (const key of Object.keys(JUDGE_PRICES)) {
    if ((name === key || name.startsWith(`${key}-`)) && (best === null || key.length > best.length)) best = key;
  }
  return best === null ? null : (JUDGE_PRICES[best] ?? null);
}

export interface CostEstimate {
  inputCost: number;
  outputCost: number;
  totalCost: number;
}

/** The cost of `inputTokens` + `outputTokens` on `model`, or null when the model has no price. */
export function costFor(model: string, inputTokens: number, outputTokens: number): CostEstimate | null {
  const price = priceFor(model);
  if (price === null) return null;
  const inputCost = (inputTokens * price.inputPerMillion) / 1_000_000;
  const outputCost = (outputTokens * price.outputPerMillion) / 1_000_000;
  return { inputCost, outputCost, totalCost: inputCost + outputCost };
}
