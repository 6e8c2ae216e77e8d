// Backups: one JSON file with everything, merged back by id so restoring
// twice, or into a browser that kept chatting, loses and duplicates nothing.
// Also reads NextChat's backup layout so people can move over with history.
import type { Chat, ContextMessage, Mask, Message, Prompt, Role } from "../state/types";
import { avatarOf } from "./avatar";

export const BACKUP_FORMAT = 1;

export interface BackupData {
  chats: Chat[];
  messages: Message[];
  masks: Mask[];
  prompts: Prompt[];
  settings?: Record<string, unknown>;
}

export interface BackupFile extends BackupData {
  app: "chatnext";
  format: number;
  exportedAt: string;
}

const SECRET_SETTINGS = ["accessCode", "apiKey"];

export function makeBackup(data: BackupData, includeKeys: boolean, now = new Date()): BackupFile {
  let settings = data.settings;
  if (settings && !includeKeys) {
    settings = Object.fromEntries(Object.entries(settings).filter(([k]) => !SECRET_SETTINGS.includes(k)));
  }
  return { app: "chatnext", format: BACKUP_FORMAT, exportedAt: now.toISOString(), ...data, settings };
}

function unionBy<T extends { id: string }>(mine: T[], theirs: T[], pick: (a: T, b: T) => T): T[] {
  const out = new Map(mine.map((x) => [x.id, x]));
  for (const t of theirs) {
    const m = out.get(t.id);
    out.set(t.id, m ? pick(m, t) : t);
  }
  return [...out.values()];
}

const newer = <T extends { updatedAt: number }>(a: T, b: T) => (b.updatedAt > a.updatedAt ? b : a);

/** Everything from both sides, once. Where both have a record, the newer (or longer) wins. */
export function mergeBackup(mine: BackupData, theirs: BackupData): BackupData {
  const messages = unionBy(mine.messages, theirs.messages, (a, b) => (b.content.length > a.content.length ? b : a));
  const counts = new Map<string, { n: number; maxSeq: number }>();
  for (const m of messages) {
    const c = counts.get(m.chatId) ?? { n: 0, maxSeq: -1 };
    counts.set(m.chatId, { n: c.n + 1, maxSeq: Math.max(c.maxSeq, m.seq) });
  }
  const chats = unionBy(mine.chats, theirs.chats, newer).map((chat) => {
    const c = counts.get(chat.id) ?? { n: 0, maxSeq: -1 };
    // Both sides may have added messages: the chat must count them all.
    return { ...chat, messageCount: c.n, nextSeq: Math.max(chat.nextSeq, c.maxSeq + 1) };
  });
  return {
    chats,
    messages,
    masks: unionBy(mine.masks, theirs.masks, newer),
    prompts: unionBy(mine.prompts, theirs.prompts, newer),
    settings: { ...(mine.settings ?? {}), ...(theirs.settings ?? {}) },
  };
}

/** A parsed file -> backup data; throws a readable Error for anything else. */
export function readBackup(json: unknown): BackupData {
  if (!json || typeof json !== "object") throw new Error("not a backup file");
  const j = json as Record<string, any>;
  if (j.app === "chatnext") {
    if (typeof j.format !== "number" || j.format > BACKUP_FORMAT) throw new Error("made by a newer chatnext");
    for (const k of ["chats", "messages", "masks", "prompts"]) if (!Array.isArray(j[k])) throw new Error(`missing ${k}`);
    return { chats: j.chats, messages: j.messages, masks: j.masks, prompts: j.prompts, settings: j.settings };
  }
  if (j["chat-next-web-store"] || j["mask-store"] || j["prompt-store"]) return fromNextChat(j);
  throw new Error("not a chatnext or NextChat backup");
}

// NextChat keeps message text either as a string or as OpenAI content parts.
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === "object" && (p as any).type === "text" ? String((p as any).text ?? "") : ""))
      .filter(Boolean)
      .join("\n");
  }
  return "";
}

const role = (r: unknown): Role => (r === "user" || r === "system" ? r : "assistant");

function time(value: unknown, fallback: number): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const parsed = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isFinite(parsed) ? parsed : fallback;
}

function contextOf(list: unknown): ContextMessage[] {
  return Array.isArray(list) ? list.map((m: any) => ({ role: role(m?.role), content: textOf(m?.content) })).filter((m) => m.content) : [];
}

function modelConfigOf(c: any): Mask["modelConfig"] {
  if (!c || typeof c !== "object") return {};
  const out: Mask["modelConfig"] = {};
  if (typeof c.model === "string") out.model = c.model;
  if (typeof c.temperature === "number") out.temperature = c.temperature;
  if (typeof c.top_p === "number") out.topP = c.top_p;
  if (typeof c.max_tokens === "number") out.maxTokens = c.max_tokens;
  if (typeof c.presence_penalty === "number") out.presencePenalty = c.presence_penalty;
  if (typeof c.frequency_penalty === "number") out.frequencyPenalty = c.frequency_penalty;
  if (typeof c.historyMessageCount === "number") out.historyCount = c.historyMessageCount;
  if (typeof c.compressMessageLengthThreshold === "number") out.compressThreshold = c.compressMessageLengthThreshold;
  return out;
}

/** NextChat's Backup-<date>.json: its chat, mask, prompt, config and access stores. */
export function fromNextChat(j: Record<string, any>, now = Date.now()): BackupData {
  const chats: Chat[] = [];
  const messages: Message[] = [];
  const sessions: any[] = j["chat-next-web-store"]?.sessions ?? [];
  for (const s of sessions) {
    const id = `nextchat-${String(s?.id ?? chats.length)}`;
    const list: any[] = Array.isArray(s?.messages) ? s.messages : [];
    const updatedAt = time(s?.lastUpdate, now);
    list.forEach((m, seq) => {
      messages.push({
        id: `nextchat-${String(m?.id ?? `${id}-${seq}`)}`,
        chatId: id,
        seq,
        role: role(m?.role),
        content: textOf(m?.content),
        createdAt: time(m?.date, updatedAt),
        model: typeof m?.model === "string" ? m.model : undefined,
        status: m?.isError ? "error" : "done",
      });
    });
    const mask = s?.mask;
    chats.push({
      id,
      title: typeof s?.topic === "string" ? s.topic : "",
      titleEdited: true,
      createdAt: time(list[0]?.date, updatedAt),
      updatedAt,
      nextSeq: list.length,
      clearIndex: typeof s?.clearContextIndex === "number" ? s.clearContextIndex : 0,
      messageCount: list.length,
      mask: mask?.name ? { name: String(mask.name), avatar: avatarOf(mask.avatar) } : undefined,
      context: contextOf(mask?.context),
      config: modelConfigOf(mask?.modelConfig),
      memory: {
        enabled: mask?.modelConfig?.sendMemory !== false,
        prompt: typeof s?.memoryPrompt === "string" ? s.memoryPrompt : "",
        upTo: typeof s?.lastSummarizeIndex === "number" ? s.lastSummarizeIndex : 0,
      },
    });
  }
  const masks: Mask[] = Object.values(j["mask-store"]?.masks ?? {}).map((m: any, i) => ({
    id: `nextchat-${String(m?.id ?? i)}`,
    name: String(m?.name ?? ""),
    avatar: avatarOf(m?.avatar),
    lang: m?.lang === "cn" ? "zh-CN" : m?.lang === "en" ? "en" : "",
    context: contextOf(m?.context),
    modelConfig: modelConfigOf(m?.modelConfig),
    builtin: false,
    createdAt: time(m?.createdAt, now),
    updatedAt: time(m?.createdAt, now),
  }));
  const prompts: Prompt[] = Object.values(j["prompt-store"]?.prompts ?? {})
    .filter((p: any) => p?.content)
    .map((p: any, i) => ({
      id: `nextchat-${String(p?.id ?? i)}`,
      title: String(p?.title ?? ""),
      content: String(p.content),
      createdAt: time(p?.createdAt, now),
      updatedAt: time(p?.createdAt, now),
    }));
  const settings: Record<string, unknown> = {};
  const config = j["app-config"];
  const access = j["access-control"];
  const mc = config?.modelConfig;
  if (mc) Object.assign(settings, modelConfigOf(mc));
  if (typeof mc?.template === "string") settings.inputTemplate = mc.template;
  if (typeof config?.fontSize === "number") settings.fontSize = config.fontSize;
  if (["auto", "light", "dark"].includes(config?.theme)) settings.theme = config.theme;
  if (["Enter", "Ctrl + Enter", "Shift + Enter", "Alt + Enter"].includes(config?.submitKey)) {
    settings.sendKey = String(config.submitKey).replaceAll(" ", "");
  }
  if (typeof access?.accessCode === "string" && access.accessCode) settings.accessCode = access.accessCode;
  if (typeof access?.openaiApiKey === "string" && access.openaiApiKey) settings.apiKey = access.openaiApiKey;
  return { chats, messages, masks, prompts, settings };
}
