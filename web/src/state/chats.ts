// Conversations: the list, the open one, its messages, and every action on
// them. Everything is written to IndexedDB as it happens; a streaming answer
// is saved as it grows, so a reload or a crash keeps what had arrived.
import * as db from "../lib/db";
import { newId } from "../lib/id";
import { Store } from "../lib/store";
import { contextFor, titleFrom } from "./history";
import type { Chat, Mask, Message } from "./types";

export const chats = new Store<Chat[]>([]); // newest first
export const currentId = new Store<string | null>(null);
export const messages = new Store<Message[]>([]); // of the current chat
/** The answer being written: its id and text so far (and reasoning, and how long that took), redrawn once per frame. */
export const live = new Store<{ id: string; content: string; reasoning?: string; reasoningMs?: number } | null>(null);

const byNewest = (a: Chat, b: Chat) => b.updatedAt - a.updatedAt;

export function currentChat(): Chat | undefined {
  return chats.get().find((c) => c.id === currentId.get());
}

export async function loadChats(): Promise<void> {
  // Deletions the last page did not finish (it closed within the undo window) happen now.
  for (const id of owedDeletes()) {
    await db.deleteChatRecords(id);
    oweDelete(id, false);
  }
  const all = await db.getAll<Chat>("chats");
  chats.set(all.sort(byNewest));
  const last = await db.get<string>("kv", "currentChat");
  await openChat(all.some((c) => c.id === last) ? last! : (all[0]?.id ?? null));
}

export async function openChat(id: string | null): Promise<void> {
  currentId.set(id);
  if (!id) {
    messages.set([]);
    return;
  }
  void db.put("kv", id, "currentChat");
  const list = (await db.messagesOf<Message>(id)).map((m) =>
    // A "streaming" message found on load lost its request with the old page.
    m.status === "streaming" ? { ...m, status: "interrupted" as const } : m,
  );
  if (currentId.get() === id) messages.set(list);
}

/** A new chat, optionally from a mask: it gets its own copy of the mask's context and settings. */
export function newChat(mask?: Mask, sendMemory = true): Chat {
  const now = Date.now();
  const chat: Chat = {
    id: newId(),
    title: "",
    createdAt: now,
    updatedAt: now,
    nextSeq: 0,
    clearIndex: 0,
    messageCount: 0,
    memory: { enabled: sendMemory, prompt: "", upTo: 0 },
    ...(mask && {
      mask: { id: mask.id, name: mask.name, avatar: mask.avatar, lang: mask.lang },
      context: mask.context.map((c) => ({ ...c })),
      config: { ...mask.modelConfig },
    }),
  };
  chats.update((list) => [chat, ...list]);
  void db.put("chats", chat);
  currentId.set(chat.id);
  messages.set([]);
  void db.put("kv", chat.id, "currentChat");
  return chat;
}

export function saveChat(chat: Chat): void {
  chats.update((list) => list.map((c) => (c.id === chat.id ? chat : c)).sort(byNewest));
  void db.put("chats", chat);
}

export function renameChat(id: string, title: string): void {
  const chat = chats.get().find((c) => c.id === id);
  if (chat) saveChat({ ...chat, title: title.trim() });
}

/** Append messages to the open chat; returns them with their seq numbers. */
export function appendMessages(chat: Chat, drafts: Omit<Message, "id" | "chatId" | "seq">[]): Message[] {
  let seq = chat.nextSeq;
  const added = drafts.map((d) => ({ ...d, id: newId(), chatId: chat.id, seq: seq++ }));
  const firstUser = added.find((m) => m.role === "user");
  const updated: Chat = {
    ...chat,
    nextSeq: seq,
    updatedAt: Date.now(),
    messageCount: chat.messageCount + added.length,
    title: chat.title || (firstUser ? titleFrom(firstUser.content) : ""),
  };
  if (currentId.get() === chat.id) messages.update((list) => [...list, ...added]);
  chats.update((list) => list.map((c) => (c.id === chat.id ? updated : c)).sort(byNewest));
  void db.putMany([{ store: "chats", value: updated }, ...added.map((m) => ({ store: "messages" as const, value: m }))]);
  return added;
}

export function saveMessage(message: Message): void {
  if (currentId.get() === message.chatId) {
    messages.update((list) => list.map((m) => (m.id === message.id ? message : m)));
  }
  void db.put("messages", message);
}

/** Remove messages from the open chat by id. */
export function removeMessages(chatId: string, ids: string[]): void {
  if (!ids.length) return;
  const gone = new Set(ids);
  if (currentId.get() === chatId) messages.update((list) => list.filter((m) => !gone.has(m.id)));
  const chat = chats.get().find((c) => c.id === chatId);
  if (chat) saveChat({ ...chat, messageCount: Math.max(0, chat.messageCount - ids.length) });
  void db.deleteMessages(ids);
}

export function toggleClearContext(): void {
  const chat = currentChat();
  if (!chat) return;
  // Pressing it again right after clearing takes the divider away, as in NextChat.
  const clearIndex = chat.clearIndex === chat.nextSeq && chat.nextSeq > 0 ? 0 : chat.nextSeq;
  saveChat({ ...chat, clearIndex });
}

export async function forkChat(): Promise<void> {
  const chat = currentChat();
  if (!chat) return;
  const now = Date.now();
  const copy: Chat = { ...chat, id: newId(), createdAt: now, updatedAt: now };
  const copied = messages.get().map((m) => ({ ...m, id: newId(), chatId: copy.id, status: m.status === "streaming" ? "stopped" : m.status }) as Message);
  await db.putMany([{ store: "chats", value: copy }, ...copied.map((m) => ({ store: "messages" as const, value: m }))]);
  chats.update((list) => [copy, ...list]);
  await openChat(copy.id);
  return;
}

/** Hide a chat now; it is deleted for good unless undone in time. */
const pendingDeletes = new Map<string, { chat: Chat; timer: ReturnType<typeof setTimeout> }>();
export const UNDO_MS = 5000;

export function deleteChat(id: string): Chat | undefined {
  const chat = chats.get().find((c) => c.id === id);
  if (!chat) return undefined;
  const list = chats.get().filter((c) => c.id !== id);
  chats.set(list);
  if (currentId.get() === id) void openChat(list[0]?.id ?? null);
  const timer = setTimeout(() => finishDelete(id), UNDO_MS);
  pendingDeletes.set(id, { chat, timer });
  oweDelete(id, true);
  return chat;
}

// Deletions owed are listed in localStorage, not IndexedDB: its writes are
// synchronous, so a page reloaded or closed right after Delete still leaves
// the record (an IndexedDB write still in flight dies with the page). An id
// leaves the list only once its records are gone.
const OWED = "chatnext.pendingDeletes";

function owedDeletes(): string[] {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(OWED) ?? "[]");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

// Read, change, write: another tab may have its own deletions in the list.
function oweDelete(id: string, owed: boolean): void {
  const ids = owedDeletes().filter((x) => x !== id);
  if (owed) ids.push(id);
  try {
    if (ids.length) localStorage.setItem(OWED, JSON.stringify(ids));
    else localStorage.removeItem(OWED);
  } catch {
    // Storage refused (private mode, quota): the timer and pagehide still delete.
  }
}

function finishDelete(id: string): void {
  const pending = pendingDeletes.get(id);
  if (!pending) return;
  clearTimeout(pending.timer);
  pendingDeletes.delete(id);
  void db.deleteChatRecords(id).then(() => oweDelete(id, false));
}

export function undoDelete(id: string): void {
  const pending = pendingDeletes.get(id);
  if (!pending) return;
  clearTimeout(pending.timer);
  pendingDeletes.delete(id);
  oweDelete(id, false);
  chats.update((list) => [...list, pending.chat].sort(byNewest));
  void openChat(id);
}

/** Leaving the page: deletions that were not undone happen now. */
export function flushDeletes(): void {
  for (const id of [...pendingDeletes.keys()]) finishDelete(id);
}

export function neighbour(step: 1 | -1): string | null {
  const list = chats.get();
  const i = list.findIndex((c) => c.id === currentId.get());
  if (i < 0) return list[0]?.id ?? null;
  return list[(i + step + list.length) % list.length]?.id ?? null;
}

// Drafts: one per chat, kept in memory at once and saved shortly after typing stops.
const draftTimers = new Map<string, ReturnType<typeof setTimeout>>();
const drafts = new Map<string, string>();

export async function loadDraft(chatId: string): Promise<string> {
  if (drafts.has(chatId)) return drafts.get(chatId)!;
  return (await db.get<string>("kv", `draft:${chatId}`)) ?? "";
}

export function saveDraft(chatId: string, text: string): void {
  drafts.set(chatId, text);
  clearTimeout(draftTimers.get(chatId));
  draftTimers.set(
    chatId,
    setTimeout(() => {
      draftTimers.delete(chatId);
      void (text ? db.put("kv", text, `draft:${chatId}`) : db.del("kv", `draft:${chatId}`));
    }, 250),
  );
}

/** Search titles now and message text from the database. */
export async function searchChats(query: string): Promise<Set<string>> {
  const q = query.trim().toLowerCase();
  const hits = new Set<string>();
  if (!q) return hits;
  for (const c of chats.get()) if (c.title.toLowerCase().includes(q)) hits.add(c.id);
  await db.eachMessage((m: Message) => {
    if (!hits.has(m.chatId) && m.content.toLowerCase().includes(q)) hits.add(m.chatId);
  });
  return hits;
}

export { contextFor };
