import type { ChatError } from "../lib/api";

export type MessageStatus = "done" | "streaming" | "stopped" | "error" | "interrupted";

export interface Message {
  id: string;
  chatId: string;
  seq: number; // order within the chat
  role: "user" | "assistant" | "system";
  content: string;
  createdAt: number;
  model?: string;
  status: MessageStatus;
  error?: ChatError;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface Chat {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  nextSeq: number;
  clearIndex: number; // messages with seq below it are not sent
  messageCount: number;
}
