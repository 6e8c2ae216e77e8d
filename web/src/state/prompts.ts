// The prompt library: built-ins per language (loaded on first use) and the
// user's own, which rank first in the `/` search.
import * as db from "../lib/db";
import { newId } from "../lib/id";
import { Store } from "../lib/store";
import type { Locale } from "../i18n";
import type { Prompt } from "./types";

export const userPrompts = new Store<Prompt[]>([]);
export const builtinPrompts = new Store<Prompt[]>([]);
let builtinLocale: Locale | null = null;

export async function loadUserPrompts(): Promise<void> {
  userPrompts.set((await db.getAll<Prompt>("prompts")).sort((a, b) => b.updatedAt - a.updatedAt));
}

export async function loadBuiltinPrompts(locale: Locale): Promise<void> {
  if (builtinLocale === locale) return;
  builtinLocale = locale;
  const data = locale === "zh-CN" ? await import("../data/prompts-zh-CN.json") : await import("../data/prompts-en.json");
  if (builtinLocale !== locale) return;
  builtinPrompts.set((data.default.prompts as { id: string; title: string; content: string }[]).map((p) => ({ ...p, builtin: true, createdAt: 0, updatedAt: 0 })));
}

export function savePrompt(p: { id?: string; title: string; content: string }): void {
  const now = Date.now();
  const existing = p.id ? userPrompts.get().find((x) => x.id === p.id) : undefined;
  const saved: Prompt = { id: existing?.id ?? newId(), title: p.title.trim(), content: p.content, createdAt: existing?.createdAt ?? now, updatedAt: now };
  userPrompts.update((list) => [saved, ...list.filter((x) => x.id !== saved.id)]);
  void db.put("prompts", saved);
}

export function deletePrompt(id: string): void {
  userPrompts.update((list) => list.filter((p) => p.id !== id));
  void db.del("prompts", id);
}
