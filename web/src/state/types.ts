import type { ChatError } from "../lib/api";

export type MessageStatus = "done" | "streaming" | "stopped" | "error" | "interrupted";
export type Role = "user" | "assistant" | "system";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  estimated?: boolean; // counted in the browser because the upstream sent none
}

export interface Message {
  id: string;
  chatId: string;
  seq: number; // order within the chat
  role: Role;
  content: string;
  createdAt: number;
  model?: string;
  status: MessageStatus;
  error?: ChatError;
  usage?: Usage;
  images?: string[]; // data: URLs of images sent with a question
  reasoning?: string; // an answer's thinking, shown apart and never sent back
  reasoningMs?: number; // how long the thinking took
}

/** Model settings a mask or a chat may override; unset fields follow the global settings. */
export interface ModelConfig {
  model?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  historyCount?: number;
  compressThreshold?: number;
}

export interface ContextMessage {
  role: Role;
  content: string;
}

export interface Memory {
  enabled: boolean;
  prompt: string; // the summary sent as a system message
  upTo: number; // seq of the first message the summary does not cover
}

export interface Chat {
  id: string;
  title: string;
  titleEdited?: boolean; // set by the user: auto title leaves it alone
  createdAt: number;
  updatedAt: number;
  nextSeq: number;
  clearIndex: number; // messages with seq below it are not sent
  messageCount: number;
  mask?: { id?: string; name: string; avatar: string; lang?: string };
  context?: ContextMessage[]; // preset messages sent before the conversation
  config?: ModelConfig;
  memory?: Memory;
}

export interface Mask {
  id: string;
  name: string;
  avatar: string;
  description?: string;
  lang: string; // "zh-CN", "en" or "" for any
  context: ContextMessage[];
  modelConfig: ModelConfig;
  builtin: boolean;
  since?: number; // data version that added a built-in mask
  job?: string;
  createdAt: number;
  updatedAt: number;
}

export interface Prompt {
  id: string;
  title: string;
  content: string;
  builtin?: boolean;
  createdAt: number;
  updatedAt: number;
}
