// Estimated cost of a turn from a pricing table (prices per 1M tokens).

export interface Pricing {
  currency: string;
  models: Record<string, { input: number; output: number }>;
}

/**
 * The pricing entry for `model`: its exact name, else the longest entry it
 * starts with, followed by a separator ("gpt-4o-2024-08-06" is "gpt-4o", but
 * "gpt-4o-mini" has its own entry and "gpt-4.5" is not "gpt-4"). Letter case,
 * an "@provider" suffix and a "vendor/" prefix are ignored.
 */
export function findPrice(model: string, pricing: Pricing): { input: number; output: number } | null {
  const at = model.lastIndexOf("@");
  const name = (at > 0 ? model.slice(0, at) : model).trim().toLowerCase();
  const entries = Object.entries(pricing.models ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
  for (const candidate of [name, name.slice(name.lastIndexOf("/") + 1)]) {
    let best: (typeof entries)[number] | undefined;
    for (const e of entries) {
      const [key] = e;
      if (key === candidate) return e[1];
      const separated = /^[^a-z0-9.]/.test(candidate.slice(key.length));
      if (separated && candidate.startsWith(key) && key.length > (best?.[0].length ?? 0)) best = e;
    }
    if (best) return best[1];
  }
  return null;
}

/** Cost of a turn in `pricing.currency` (prices are per 1M tokens); null for an unknown model. */
export function estimateCost(
  model: string,
  promptTokens: number,
  completionTokens: number,
  pricing: Pricing,
): number | null {
  const price = findPrice(model, pricing);
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
