// Which messages a request carries, as pure functions (tested without a DOM).
import { userContent, type ChatMessage } from "../lib/api";
import { answerText } from "../lib/think";
import type { Chat, Message } from "./types";

/**
 * The messages sent with a new question: nothing above the clear-context
 * divider, no failed or empty answers, and only the last `count` of the rest.
 */
export function contextFor(messages: Message[], clearIndex: number, count: number, images = true): ChatMessage[] {
  const usable = messages
    .filter((m) => m.seq >= clearIndex && (m.role === "user" || m.status !== "error"))
    // Answers go back without their reasoning; questions with their images,
    // unless the model cannot see them.
    .map((m): ChatMessage => ({ role: m.role, content: m.role === "assistant" ? answerText(m.content) : userContent(m.content, images ? m.images : undefined) }))
    .filter((m) => (typeof m.content === "string" ? m.content.trim() !== "" : m.content.length > 0));
  return count > 0 ? usable.slice(-count) : [];
}

/**
 * Everything a question is sent with, in NextChat's order: the chat's preset
 * context (from its mask), the memory prompt when it covers messages after
 * the divider, the recent messages, then the question.
 */
export function requestMessages(chat: Chat, prior: Message[], count: number, question: ChatMessage, images = true): ChatMessage[] {
  const out: ChatMessage[] = (chat.context ?? []).filter((m) => m.content.trim()).map((m) => ({ role: m.role, content: m.content }));
  const memory = chat.memory;
  if (memory?.enabled && memory.prompt.trim() && memory.upTo > chat.clearIndex) {
    out.push({ role: "system", content: `${MEMORY_PREFIX}${memory.prompt}` });
  }
  return [...out, ...contextFor(prior, chat.clearIndex, count, images), question];
}

export const MEMORY_PREFIX = "This is a summary of the chat history as a recap: ";

/** Messages not yet in the memory prompt (and after the divider), when they pass `threshold` tokens. */
export function toSummarize(chat: Chat, list: Message[], threshold: number, estimate: (s: string) => number): Message[] | null {
  const from = Math.max(chat.memory?.upTo ?? 0, chat.clearIndex);
  const pending = list.filter((m) => m.seq >= from && m.status !== "error" && m.status !== "streaming" && m.content.trim());
  const tokens = pending.reduce((n, m) => n + estimate(m.content), 0);
  return tokens > threshold ? pending : null;
}

export const COMMANDS = ["new", "next", "prev", "clear", "fork", "del"] as const;
export type Command = (typeof COMMANDS)[number];

/** ":new" or "：new" -> "new"; anything else is a message. */
export function parseCommand(input: string): Command | null {
  const m = /^[:：]\s*([a-z]+)\s*$/i.exec(input.trim());
  const name = m?.[1].toLowerCase();
  return name && (COMMANDS as readonly string[]).includes(name) ? (name as Command) : null;
}

export function titleFrom(text: string, max = 40): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
