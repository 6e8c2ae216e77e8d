// Asking, streaming, stopping, retrying, editing: the conversation's verbs.
import { authHeader, chatBody, chatUrl, classify, errorFromResponse, fillTemplate, userContent, type ChatError, type ChatMessage } from "../lib/api";
import * as db from "../lib/db";
import { chatDeltas, StreamError } from "../lib/sse";
import { Store } from "../lib/store";
import { splitThink } from "../lib/think";
import { locale } from "../i18n";
import { appendMessages, chats, currentChat, live, messages, newChat, removeMessages, saveMessage } from "./chats";
import { requestMessages } from "./history";
import { effectiveModel, isVisionModel, serverConfig } from "./serverConfig";
import { sessionEnded } from "./session";
import { settings, type Settings } from "./settings";
import type { Chat, Message } from "./types";

/** Answers being written, by message id; Stop aborts one. */
const running = new Map<string, { controller: AbortController; persist: () => void }>();
export const streaming = new Store<number>(0); // how many answers are being written

export function isStreaming(id: string): boolean {
  return running.has(id);
}

function toChatError(e: unknown): ChatError {
  if (e && typeof e === "object" && "kind" in e) return e as ChatError;
  if (e instanceof StreamError) return classify(200, { error: { message: e.message, code: e.code } });
  // fetch() rejects with a TypeError when the server cannot be reached at all.
  return { kind: "network", status: 0, code: "network", message: e instanceof Error ? e.message : String(e) };
}

/** The global settings with the chat's own (mask) overrides on top. */
export function chatSettings(chat: Chat | undefined): Settings {
  const s = settings.get();
  const c = chat?.config ?? {};
  const defined = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && v !== ""));
  return { ...s, ...defined };
}

export function chatModel(chat: Chat | undefined): string {
  return effectiveModel(chatSettings(chat).model, serverConfig.get());
}

async function answer(chat: Chat, context: ChatMessage[]): Promise<void> {
  const s = chatSettings(chat);
  const model = effectiveModel(s.model, serverConfig.get());
  const [draft] = appendMessages(chat, [{ role: "assistant", content: "", createdAt: Date.now(), status: "streaming", model }]);
  const controller = new AbortController();
  let content = "";
  // Reasoning: reasoning_content deltas, or a <think> block opening the content.
  let reasoning = "";
  let thinkFrom = 0; // first token
  let answerFrom = 0; // first token of the answer itself
  let frame = 0;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const persist = () => {
    saveTimer = undefined;
    void db.put("messages", { ...draft, content, ...(reasoning ? { reasoning } : {}) });
  };
  const draw = () => {
    frame = 0;
    live.set({ id: draft.id, content, reasoning, reasoningMs: answerFrom && answerFrom - thinkFrom });
  };
  /** The answer without its reasoning, which is kept apart (and never sent back). */
  const parts = (): Pick<Message, "content" | "reasoning" | "reasoningMs"> => {
    const split = splitThink(content, false, reasoning);
    return split.reasoning ? { content: split.content, reasoning: split.reasoning, reasoningMs: (answerFrom || Date.now()) - thinkFrom } : { content };
  };
  running.set(draft.id, { controller, persist });
  streaming.set(running.size);
  live.set({ id: draft.id, content: "" });
  let final: Message;
  try {
    const res = await fetch(chatUrl(s.endpoint, s.apiKey), {
      method: "POST",
      headers: { "Content-Type": "application/json", ...authHeader(s.apiKey) },
      body: JSON.stringify(chatBody(context, { ...s, model })),
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw await errorFromResponse(res);
    let usage: Message["usage"];
    for await (const delta of chatDeltas(res.body)) {
      if (delta.content || delta.reasoning) {
        thinkFrom ||= Date.now();
        content += delta.content;
        reasoning += delta.reasoning;
        if (!answerFrom && delta.content && splitThink(content, true).content.trim()) answerFrom = Date.now();
        // Redraw at most once a frame and save at most every 300 ms: a long
        // answer must not make the page or the database work per token.
        frame ||= requestAnimationFrame(draw);
        saveTimer ??= setTimeout(persist, 300);
      }
      if (delta.usage) usage = delta.usage;
    }
    // No usage from the upstream: estimate it, and say so. The estimator (and
    // for Chinese its token table) loads on first use, not with the page.
    if (!usage) {
      const tokens = await import("../lib/tokens");
      if (/\p{Script=Han}/u.test(reasoning + content + JSON.stringify(context))) {
        await tokens.loadChineseTable().catch(() => undefined);
      }
      usage = { prompt_tokens: tokens.estimateMessagesTokens(context), completion_tokens: tokens.estimateTokens(reasoning + content), estimated: true };
    }
    final = { ...draft, ...parts(), status: "done", usage };
  } catch (e) {
    final = controller.signal.aborted
      ? { ...draft, ...parts(), status: "stopped" }
      : { ...draft, ...parts(), status: "error", error: toChatError(e) };
  } finally {
    cancelAnimationFrame(frame);
    clearTimeout(saveTimer);
    running.delete(draft.id);
    streaming.set(running.size);
    if (live.get()?.id === draft.id) live.set(null);
  }
  saveMessage(final);
  if (final.status === "done") void afterAnswer(chat.id, model);
  // Refused for want of a session: the page now shows the way to sign in.
  const kind = final.error?.kind;
  if (!s.apiKey && (kind === "unauthorized" || kind === "session_expired" || kind === "code_expired")) sessionEnded();
}

async function afterAnswer(chatId: string, model: string): Promise<void> {
  const chat = chats.get().find((c) => c.id === chatId);
  if (!chat) return;
  const { generateTitle, maybeSummarize } = await import("./memory");
  // Auto title once the first exchange is complete.
  if (chat.messageCount === 2) await generateTitle(chat, model);
  await maybeSummarize(chatId, model);
}

/** The question as sent (through the input template), and whether images go with it and the history. */
function question(chat: Chat, text: string, images?: string[]): [ChatMessage, boolean] {
  const s = chatSettings(chat);
  const model = effectiveModel(s.model, serverConfig.get());
  const vision = isVisionModel(model, serverConfig.get());
  const vars = { model, lang: locale.get(), time: new Date().toLocaleString() };
  return [{ role: "user", content: userContent(fillTemplate(s.inputTemplate, text, vars), vision ? images : undefined) }, vision];
}

function ask(chat: Chat, prior: Message[], q: Message | { content: string; images?: string[] }): Promise<void> {
  const [message, vision] = question(chat, q.content, q.images);
  return answer(chat, requestMessages(chat, prior, chatSettings(chat).historyCount, message, vision));
}

/** Ask a question, with images (data URLs) for a vision model. */
export async function send(text: string, images?: string[]): Promise<void> {
  const chat = currentChat() ?? newChat();
  const prior = messages.get();
  appendMessages(chat, [{ role: "user", content: text, ...(images?.length ? { images } : {}), createdAt: Date.now(), status: "done" }]);
  await ask(chats.get().find((c) => c.id === chat.id)!, prior, { content: text, images });
}

export function stop(id: string): void {
  running.get(id)?.controller.abort();
}

export function stopAll(): void {
  for (const { controller } of running.values()) controller.abort();
}

/** Ask again from `id`: for an answer, replace it; for a question, answer it anew. */
export async function retry(id: string): Promise<void> {
  const chat = currentChat();
  const list = messages.get();
  const i = list.findIndex((m) => m.id === id);
  if (!chat || i < 0) return;
  let q = list[i].role === "user" ? i : i - 1;
  while (q >= 0 && list[q].role !== "user") q--;
  if (q < 0) return;
  for (const m of list.slice(q + 1)) stop(m.id);
  removeMessages(chat.id, list.slice(q + 1).map((m) => m.id));
  const fresh = chats.get().find((c) => c.id === chat.id)!;
  await ask(fresh, list.slice(0, q), list[q]);
}

/** Change a message; a changed question is asked again from there. */
export async function edit(id: string, content: string, resend: boolean): Promise<void> {
  const message = messages.get().find((m) => m.id === id);
  if (!message) return;
  saveMessage({ ...message, content });
  if (resend && message.role === "user") await retry(id);
}

export function deleteMessage(id: string): void {
  const chat = currentChat();
  if (!chat) return;
  stop(id);
  removeMessages(chat.id, [id]);
}

/** The page is going away: save every growing answer as it stands. */
export function persistRunning(): void {
  for (const { persist } of running.values()) persist();
}
