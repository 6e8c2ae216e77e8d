// Backups against the database: read everything into BackupData, write
// merged data back, and reload the in-memory stores from what was written.
import type { BackupData } from "../lib/backup";
import * as db from "../lib/db";
import { loadChats } from "./chats";
import { loadMasks } from "./masks";
import { loadUserPrompts } from "./prompts";
import { session } from "./session";
import { signIn } from "./signin";
import { legacyAccessCode, loadSettings, migrateSettings } from "./settings";
import type { Chat, Mask, Message, Prompt } from "./types";

/** Everything this browser holds that a backup carries. */
export async function collectAll(): Promise<BackupData> {
  const [chats, messages, masks, prompts, settings] = await Promise.all([
    db.getAll<Chat>("chats"),
    db.getAll<Message>("messages"),
    db.getAll<Mask>("masks"),
    db.getAll<Prompt>("prompts"),
    db.get<Record<string, unknown>>("kv", "settings"),
  ]);
  return { chats, messages, masks, prompts, settings: settings && typeof settings === "object" ? settings : undefined };
}

/**
 * Store `data` (usually mergeBackup(current, incoming)) and reload the app's
 * stores. Every record goes into one transaction: if any write fails, none
 * happens and this rejects. Records are put by id, so nothing already stored
 * is deleted.
 */
export async function restoreAll(data: BackupData): Promise<void> {
  const writes: Parameters<typeof db.putMany>[0] = [
    ...data.chats.map((value) => ({ store: "chats" as const, value })),
    ...data.messages.map((value) => ({ store: "messages" as const, value })),
    ...data.masks.map((value) => ({ store: "masks" as const, value })),
    ...data.prompts.map((value) => ({ store: "prompts" as const, value })),
  ];
  // A bad value in a file must not break the app: settings are checked first.
  if (data.settings) writes.push({ store: "kv", value: migrateSettings(data.settings), key: "settings" });
  if (writes.length) await db.putMany(writes);
  // The data is stored now; a store that fails to reload shows it after the next page load.
  const reloads = await Promise.allSettled([loadSettings(), loadMasks(), loadUserPrompts(), loadChats()]);
  for (const r of reloads) if (r.status === "rejected") console.warn("[backup] reloading a store failed", r.reason);
  // An access code in the file (older chatnext, NextChat) is not stored: it signs in, once.
  const code = legacyAccessCode(data.settings);
  if (code && !session.get().active) await signIn(code);
}
