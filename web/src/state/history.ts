// Which messages a request carries, as pure functions (tested without a DOM).
import type { ChatMessage } from "../lib/api";
import type { Message } from "./types";

/**
 * The messages sent with a new question: nothing above the clear-context
 * divider, no failed or empty answers, and only the last `count` of the rest.
 */
export function contextFor(messages: Message[], clearIndex: number, count: number): ChatMessage[] {
  const usable = messages.filter(
    (m) => m.seq >= clearIndex && m.content.trim() !== "" && (m.role === "user" || m.status !== "error"),
  );
  const recent = count > 0 ? usable.slice(-count) : [];
  return recent.map((m) => ({ role: m.role, content: m.content }));
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
