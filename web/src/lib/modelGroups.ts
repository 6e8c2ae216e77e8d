// The model picker's groups: one per provider, OpenAI first, then in the server's order.
import type { ModelInfo } from "../state/serverConfig";

export interface ModelGroup {
  provider: string;
  label: string; // the provider's name, or its id from a server that sends no name
  models: ModelInfo[];
}

export function groupModels(models: ModelInfo[]): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const m of models) {
    let g = groups.get(m.provider);
    if (!g) groups.set(m.provider, (g = { provider: m.provider, label: "", models: [] }));
    g.label ||= m.providerName || "";
    g.models.push(m);
  }
  const list = [...groups.values()].map((g) => ({ ...g, label: g.label || g.provider }));
  return [...list.filter((g) => g.provider === "openai"), ...list.filter((g) => g.provider !== "openai")];
}
