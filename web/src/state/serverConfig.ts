// What the server tells the page at /api/config (never a secret).
import { Store } from "../lib/store";

export interface ModelInfo {
  name: string;
  displayName: string;
  provider: string;
  providerName?: string; // "Anthropic"; older servers send only the id
  vision?: boolean; // the server knows whether the model takes images
}

export interface ServerConfig {
  loaded: boolean;
  needCode: boolean;
  hideUserApiKey: boolean;
  disableGPT4: boolean;
  defaultModel: string;
  defaultInputTemplate: string;
  models: ModelInfo[];
  visionModels?: string[]; // VISION_MODELS: more models that take images
  balanceQuery?: boolean; // ENABLE_BALANCE_QUERY (NextChat sends it as hideBalanceQuery)
  disableFastLink?: boolean; // DISABLE_FAST_LINK: ignore ?code= in the page's address
  version: string;
}

export const serverConfig = new Store<ServerConfig>({
  loaded: false,
  needCode: false,
  hideUserApiKey: false,
  disableGPT4: false,
  defaultModel: "",
  defaultInputTemplate: "{{input}}",
  models: [],
  visionModels: [],
  version: "",
});

export async function loadServerConfig(): Promise<void> {
  try {
    const res = await fetch("/api/config", { method: "POST" });
    if (!res.ok) return;
    const c = await res.json();
    serverConfig.set({
      loaded: true,
      needCode: !!c.needCode,
      hideUserApiKey: !!c.hideUserApiKey,
      disableGPT4: !!c.disableGPT4,
      defaultModel: c.defaultModel || "",
      defaultInputTemplate: c.defaultInputTemplate || "{{input}}",
      models: Array.isArray(c.models) ? c.models : [],
      visionModels: String(c.visionModels || "")
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
      balanceQuery: c.hideBalanceQuery === false,
      disableFastLink: !!c.disableFastLink,
      version: c.version || "",
    });
  } catch {
    // Offline (served by the service worker): the page still opens its chats.
  }
}

/** The model id a request names: "name", or "name@provider" off OpenAI. */
export function modelId(m: ModelInfo): string {
  return m.provider === "openai" ? m.name : `${m.name}@${m.provider}`;
}

export function effectiveModel(chosen: string, config: ServerConfig): string {
  const ids = config.models.map(modelId);
  if (chosen && (ids.length === 0 || ids.includes(chosen))) return chosen;
  if (config.defaultModel && (ids.length === 0 || ids.includes(config.defaultModel))) return config.defaultModel;
  return ids.includes("gpt-4o-mini") ? "gpt-4o-mini" : ids[0] || "gpt-4o-mini";
}

export function modelLabel(id: string, config: ServerConfig): string {
  const m = config.models.find((x) => modelId(x) === id);
  return m ? m.displayName || m.name : id;
}

const VISION = /vision|gpt-4o|gpt-4\.1|gpt-5|o3|o4|claude|gemini|vl|glm-4v|grok-4|qwen-vl/i;

/** Whether a model takes images: the server's word, else a guess from its name or VISION_MODELS. */
export function isVisionModel(id: string, config: Pick<ServerConfig, "models" | "visionModels">): boolean {
  const m = config.models.find((x) => modelId(x) === id);
  if (typeof m?.vision === "boolean") return m.vision;
  const name = m?.name ?? id.split("@")[0];
  const listed = config.visionModels ?? [];
  return VISION.test(name) || listed.includes(name) || listed.includes(id);
}
