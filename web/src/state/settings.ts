// User settings: defaults, a migration for every stored shape, persistence.
import * as db from "../lib/db";
import { Store } from "../lib/store";

export type Theme = "auto" | "light" | "dark";
export type Lang = "auto" | "en" | "zh-CN";
export type SendKey = "Enter" | "Ctrl+Enter" | "Shift+Enter" | "Alt+Enter";
export const SEND_KEYS: SendKey[] = ["Enter", "Ctrl+Enter", "Shift+Enter", "Alt+Enter"];

export interface Settings {
  version: number;
  apiKey: string;
  endpoint: string;
  model: string; // "" = the server's default
  temperature: number;
  topP: number;
  maxTokens: number;
  presencePenalty: number;
  frequencyPenalty: number;
  historyCount: number;
  compressThreshold: number; // estimated tokens of unsummarised history that trigger a summary
  sendMemory: boolean; // new chats send their memory prompt
  compressModel: string; // "" = a cheap model of the same provider
  autoTitle: boolean;
  maskOnNewChat: boolean; // a new chat opens with the mask picker
  inputTemplate: string;
  theme: Theme;
  lang: Lang;
  fontSize: number;
  sendKey: SendKey;
}


type Raw = Record<string, unknown>;
/** Shape changes, oldest first: STEPS[i] turns a version i+1 record into i+2. */
export const STEPS: ((raw: Raw) => Raw)[] = [
  // v2: the access code is no longer kept where page scripts can read it; it
  // was traded for an HttpOnly session cookie (see legacyAccessCode).
  (raw) => {
    const { accessCode, ...rest } = raw;
    return rest;
  },
];
export const SETTINGS_VERSION = STEPS.length + 1;

export const DEFAULTS: Settings = {
  version: SETTINGS_VERSION,
  apiKey: "",
  endpoint: "",
  model: "",
  temperature: 0.5,
  topP: 1,
  maxTokens: 0,
  presencePenalty: 0,
  frequencyPenalty: 0,
  historyCount: 4,
  compressThreshold: 1000,
  sendMemory: true,
  compressModel: "",
  autoTitle: true,
  maskOnNewChat: false,
  inputTemplate: "{{input}}",
  theme: "auto",
  lang: "auto",
  fontSize: 15,
  sendKey: "Enter",
};

const clamp = (v: unknown, lo: number, hi: number, fallback: number) =>
  typeof v === "number" && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;
const oneOf = <T extends string>(v: unknown, options: readonly T[], fallback: T): T =>
  options.includes(v as T) ? (v as T) : fallback;
const text = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);


/** Any stored value (old, partial, corrupt) -> valid current Settings. */
export function migrateSettings(stored: unknown, steps = STEPS): Settings {
  let raw: Raw = stored && typeof stored === "object" ? { ...(stored as object) } : {};
  const from = typeof raw.version === "number" ? raw.version : 1;
  for (let v = Math.max(1, from); v <= steps.length; v++) raw = steps[v - 1](raw);
  const d = DEFAULTS;
  return {
    version: SETTINGS_VERSION,
    apiKey: text(raw.apiKey, d.apiKey),
    endpoint: text(raw.endpoint, d.endpoint),
    model: text(raw.model, d.model),
    temperature: clamp(raw.temperature, 0, 2, d.temperature),
    topP: clamp(raw.topP, 0, 1, d.topP),
    maxTokens: Math.round(clamp(raw.maxTokens, 0, 1_000_000, d.maxTokens)),
    presencePenalty: clamp(raw.presencePenalty, -2, 2, d.presencePenalty),
    frequencyPenalty: clamp(raw.frequencyPenalty, -2, 2, d.frequencyPenalty),
    historyCount: Math.round(clamp(raw.historyCount, 0, 64, d.historyCount)),
    compressThreshold: Math.round(clamp(raw.compressThreshold, 200, 100_000, d.compressThreshold)),
    sendMemory: typeof raw.sendMemory === "boolean" ? raw.sendMemory : d.sendMemory,
    compressModel: text(raw.compressModel, d.compressModel),
    autoTitle: typeof raw.autoTitle === "boolean" ? raw.autoTitle : d.autoTitle,
    maskOnNewChat: typeof raw.maskOnNewChat === "boolean" ? raw.maskOnNewChat : d.maskOnNewChat,
    inputTemplate: text(raw.inputTemplate, d.inputTemplate) || d.inputTemplate,
    theme: oneOf(raw.theme, ["auto", "light", "dark"] as const, d.theme),
    lang: oneOf(raw.lang, ["auto", "en", "zh-CN"] as const, d.lang),
    fontSize: Math.round(clamp(raw.fontSize, 12, 22, d.fontSize)),
    sendKey: oneOf(raw.sendKey, SEND_KEYS, d.sendKey),
  };
}

/** The access code an earlier version stored in the settings (or a restored backup holds), or "". */
export function legacyAccessCode(stored: unknown): string {
  const code = stored && typeof stored === "object" ? (stored as Raw).accessCode : undefined;
  return typeof code === "string" ? code.trim() : "";
}

export const settings = new Store<Settings>(DEFAULTS);

/** Loads the settings; returns an access code stored by an earlier version, to be traded for a session once. */
export async function loadSettings(): Promise<string> {
  const stored = await db.get("kv", "settings");
  settings.set(migrateSettings(stored));
  return legacyAccessCode(stored);
}

/** Writes the settings as they are now: an old access code in the stored record is gone. */
export function saveSettings(): Promise<void> {
  return db.put("kv", settings.get(), "settings");
}

export function updateSettings(patch: Partial<Settings>): void {
  settings.update((s) => ({ ...s, ...patch }));
  void saveSettings();
}

export function resetSettings(): void {
  // Access stays: resetting the look should not lock the user out.
  const { apiKey, endpoint } = settings.get();
  settings.set({ ...DEFAULTS, apiKey, endpoint });
  void saveSettings();
}
