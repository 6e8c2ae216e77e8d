// Masks: reusable personas. Built-ins ship as data (loaded after the first
// screen, so a release can add new ones); the user's own live in IndexedDB.
import { avatarOf } from "../lib/avatar";
import * as db from "../lib/db";
import { newId } from "../lib/id";
import { Store } from "../lib/store";
import type { Mask } from "./types";

export const builtinMasks = new Store<Mask[]>([]);
export const userMasks = new Store<Mask[]>([]);
export const hiddenMasks = new Store<string[]>([]); // ids of built-ins the user hid

export async function loadMasks(): Promise<void> {
  const [data, mine, hidden] = await Promise.all([
    import("../data/masks.json"),
    db.getAll<Mask>("masks"),
    db.get<string[]>("kv", "hiddenMasks"),
  ]);
  builtinMasks.set(
    (data.default.masks as unknown as (Mask & { modelConfig: Record<string, number> })[]).map((m) => {
      // The data files use the wire names (top_p, max_tokens), as mask files people share do.
      const { top_p, max_tokens, ...config } = m.modelConfig ?? {};
      const modelConfig = { ...config, ...(top_p !== undefined && { topP: top_p }), ...(max_tokens !== undefined && { maxTokens: max_tokens }) };
      return { ...m, builtin: true, createdAt: 0, updatedAt: 0, modelConfig };
    }),
  );
  userMasks.set(mine.sort((a, b) => b.updatedAt - a.updatedAt));
  hiddenMasks.set(hidden ?? []);
}

export function allMasks(includeHidden = false): Mask[] {
  const hidden = new Set(hiddenMasks.get());
  return [...userMasks.get(), ...builtinMasks.get().filter((m) => includeHidden || !hidden.has(m.id))];
}

export function saveMask(mask: Mask): Mask {
  const saved = { ...mask, builtin: false, updatedAt: Date.now() };
  userMasks.update((list) => [saved, ...list.filter((m) => m.id !== saved.id)]);
  void db.put("masks", saved);
  return saved;
}

export function newMask(partial: Partial<Mask> = {}): Mask {
  const now = Date.now();
  return { id: newId(), name: "", avatar: "🤖", lang: "", context: [], modelConfig: {}, builtin: false, createdAt: now, updatedAt: now, ...partial };
}

/** A user-owned copy (of a built-in or another mask), to change freely; saved only when `save`. */
export function cloneMask(mask: Mask, suffix: string, save = true): Mask {
  const now = Date.now();
  const { since: _since, job: _job, ...rest } = mask;
  const copy = { ...rest, id: newId(), name: `${mask.name}${suffix}`, builtin: false, createdAt: now, updatedAt: now, context: mask.context.map((c) => ({ ...c })) };
  return save ? saveMask(copy) : copy;
}

export function deleteMask(id: string): void {
  userMasks.update((list) => list.filter((m) => m.id !== id));
  void db.del("masks", id);
}

export function setHidden(id: string, hidden: boolean): void {
  hiddenMasks.update((list) => (hidden ? [...new Set([...list, id])] : list.filter((x) => x !== id)));
  void db.put("kv", hiddenMasks.get(), "hiddenMasks");
}

/** Masks read from a file: new ids, so importing twice never overwrites. Throws on a wrong file. */
export function parseMaskFile(text: string): Mask[] {
  const json = JSON.parse(text);
  const list: unknown[] = Array.isArray(json) ? json : Array.isArray(json?.masks) ? json.masks : [json];
  const now = Date.now();
  return list.map((raw) => {
    const m = raw as Partial<Mask>;
    if (!m || typeof m.name !== "string" || !Array.isArray(m.context)) throw new Error("not a mask file");
    return newMask({
      name: m.name,
      avatar: avatarOf(m.avatar),
      description: typeof m.description === "string" ? m.description : undefined,
      lang: typeof m.lang === "string" ? m.lang : "",
      context: m.context.filter((c) => c && typeof c.content === "string").map((c) => ({ role: c.role === "user" || c.role === "assistant" ? c.role : "system", content: c.content })),
      modelConfig: m.modelConfig && typeof m.modelConfig === "object" ? m.modelConfig : {},
      createdAt: now,
      updatedAt: now,
    });
  });
}

export function maskFile(masks: Mask[]): string {
  const out = masks.map(({ name, avatar, description, lang, context, modelConfig }) => ({ name, avatar, description, lang, context, modelConfig }));
  return JSON.stringify({ app: "chatnext", kind: "masks", masks: out }, null, 2);
}
