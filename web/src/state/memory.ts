// Work done after an answer: keep a running summary (the memory prompt) of
// long conversations, and give a new chat a title in its own language.
import { authHeader, chatBody, chatUrl, completeOnce, type ChatMessage } from "../lib/api";
import { estimateTokens } from "../lib/tokens";
import { chats, messages, saveChat } from "./chats";
import { MEMORY_PREFIX, titleFrom, toSummarize } from "./history";
import { modelId, serverConfig, type ServerConfig } from "./serverConfig";
import { settings } from "./settings";
import type { Chat } from "./types";

const SUMMARY_REQUEST =
  "Summarize the discussion briefly in 200 words or less to use as a prompt for future context. Write it in the language the conversation uses.";
const TITLE_REQUEST =
  "Give this conversation a short title of 2 to 10 words, in the language the user writes in. Reply with the title only: no quotes, no punctuation at the end.";

// Cheap models per provider, best first: summaries and titles need no big model.
const CHEAP: Record<string, string[]> = {
  openai: ["gpt-4o-mini", "gpt-4.1-nano", "gpt-5-nano", "gpt-4.1-mini", "gpt-3.5-turbo"],
  azure: [],
  anthropic: ["claude-3-5-haiku-latest", "claude-3-haiku-20240307"],
  google: ["gemini-2.0-flash-lite", "gemini-2.0-flash", "gemini-1.5-flash"],
  deepseek: ["deepseek-chat"],
};

/** The model for summaries: the setting, else a cheap one of the chat model's provider, else the chat model. */
export function summaryModel(chatModel: string, chosen: string, config: ServerConfig): string {
  if (chosen) return chosen;
  const current = config.models.find((m) => modelId(m) === chatModel);
  const provider = current?.provider ?? (chatModel.includes("@") ? chatModel.split("@").pop()! : "openai");
  const available = new Set(config.models.filter((m) => m.provider === provider).map(modelId));
  const idOf = (name: string) => (provider === "openai" ? name : `${name}@${provider}`);
  const cheap = (CHEAP[provider] ?? []).find((name) => available.has(idOf(name)));
  return cheap ? idOf(cheap) : chatModel;
}

function request(model: string, list: ChatMessage[]): Promise<string> {
  const s = settings.get();
  return completeOnce(chatUrl(s.endpoint, s.apiKey), authHeader(s.apiKey), chatBody(list, { ...s, model, maxTokens: 0 }));
}

const busy = new Set<string>();

/** After an answer: summarise when the unsummarised history passed the threshold. */
export async function maybeSummarize(chatId: string, chatModel: string): Promise<void> {
  const chat = chats.get().find((c) => c.id === chatId);
  const s = settings.get();
  const memory = chat?.memory ?? { enabled: s.sendMemory, prompt: "", upTo: 0 };
  if (!chat || !memory.enabled || busy.has(chatId)) return;
  const threshold = chat.config?.compressThreshold ?? s.compressThreshold;
  const pending = toSummarize({ ...chat, memory }, messages.get().filter((m) => m.chatId === chatId), threshold, estimateTokens);
  if (!pending) return;
  busy.add(chatId);
  try {
    const upTo = pending[pending.length - 1].seq + 1;
    const list: ChatMessage[] = [
      ...(memory.prompt ? [{ role: "system" as const, content: MEMORY_PREFIX + memory.prompt }] : []),
      ...pending.map((m) => ({ role: m.role, content: m.content })),
      { role: "user", content: SUMMARY_REQUEST },
    ];
    const summary = (await request(summaryModel(chatModel, s.compressModel, serverConfig.get()), list)).trim();
    const latest = chats.get().find((c) => c.id === chatId);
    if (summary && latest) saveChat({ ...latest, memory: { ...(latest.memory ?? memory), enabled: true, prompt: summary, upTo } });
  } catch {
    // A failed summary only means the next answer sends the plain history.
  } finally {
    busy.delete(chatId);
  }
}

export async function generateTitle(chat: Chat, chatModel: string, force = false): Promise<void> {
  if (!force && (chat.titleEdited || !settings.get().autoTitle)) return;
  const list = messages
    .get()
    .filter((m) => m.chatId === chat.id && m.status === "done" && m.content.trim())
    .slice(0, 4)
    .map((m) => ({ role: m.role, content: m.content.slice(0, 2000) }));
  if (list.length < 2) return;
  try {
    const raw = await request(summaryModel(chatModel, settings.get().compressModel, serverConfig.get()), [...list, { role: "user", content: TITLE_REQUEST }]);
    const title = titleFrom(raw.replace(/^["'“「《]+|["'”」》。.!！]+$/g, ""), 50);
    const latest = chats.get().find((c) => c.id === chat.id);
    if (title && latest && (force || !latest.titleEdited)) saveChat({ ...latest, title });
  } catch {
    // Keep the title taken from the first question.
  }
}
