// IndexedDB, versioned. Each entry of SCHEMA upgrades the database by one
// version; they run in order, once, inside the upgrade transaction, so a
// browser that skipped releases catches up step by step.

type Upgrade = (db: IDBDatabase, tx: IDBTransaction) => void;

export const SCHEMA: Upgrade[] = [
  // v1: conversations, their messages (ordered per chat), and small values
  // (settings, drafts) by key.
  (db) => {
    db.createObjectStore("chats", { keyPath: "id" });
    const messages = db.createObjectStore("messages", { keyPath: "id" });
    messages.createIndex("byChat", ["chatId", "seq"]);
    db.createObjectStore("kv");
  },
  // v2: the user's own masks and prompts.
  (db) => {
    db.createObjectStore("masks", { keyPath: "id" });
    db.createObjectStore("prompts", { keyPath: "id" });
  },
];

export type StoreName = "chats" | "messages" | "kv" | "masks" | "prompts";
export const STORES: StoreName[] = ["chats", "messages", "kv", "masks", "prompts"];

let opening: Promise<IDBDatabase> | null = null;
export let dbName = "chatnext";

export function useDatabaseName(name: string): void {
  dbName = name;
  opening = null;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, SCHEMA.length);
    req.onupgradeneeded = (event) => {
      const tx = req.transaction!;
      for (let v = event.oldVersion; v < SCHEMA.length; v++) SCHEMA[v](req.result, tx);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab upgraded the schema: let it, and reopen on next use.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("the database is held open by an older tab"));
  });
  return opening;
}

async function tx(stores: StoreName[], mode: IDBTransactionMode): Promise<IDBTransaction> {
  return (await openDb()).transaction(stores, mode);
}

function done(t: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

export async function get<T>(store: StoreName, key: IDBValidKey): Promise<T | undefined> {
  return request((await tx([store], "readonly")).objectStore(store).get(key));
}

export async function getAll<T>(store: StoreName): Promise<T[]> {
  return request((await tx([store], "readonly")).objectStore(store).getAll());
}

export async function put(store: StoreName, value: unknown, key?: IDBValidKey): Promise<void> {
  const t = await tx([store], "readwrite");
  t.objectStore(store).put(value, key);
  return done(t);
}

export async function del(store: StoreName, key: IDBValidKey): Promise<void> {
  const t = await tx([store], "readwrite");
  t.objectStore(store).delete(key);
  return done(t);
}

const chatRange = (chatId: string) => IDBKeyRange.bound([chatId, -Infinity], [chatId, Infinity]);

export async function messagesOf<T>(chatId: string): Promise<T[]> {
  const t = await tx(["messages"], "readonly");
  return request(t.objectStore("messages").index("byChat").getAll(chatRange(chatId)));
}

/** Write several records across stores in one transaction: all or nothing. */
export async function putMany(writes: { store: StoreName; value: unknown; key?: IDBValidKey }[]): Promise<void> {
  const stores = [...new Set(writes.map((w) => w.store))];
  const t = await tx(stores, "readwrite");
  for (const w of writes) t.objectStore(w.store).put(w.value, w.key);
  return done(t);
}

export async function deleteChatRecords(chatId: string): Promise<void> {
  const t = await tx(["chats", "messages", "kv"], "readwrite");
  t.objectStore("chats").delete(chatId);
  t.objectStore("kv").delete(`draft:${chatId}`);
  const index = t.objectStore("messages").index("byChat");
  const cursorReq = index.openKeyCursor(chatRange(chatId));
  cursorReq.onsuccess = () => {
    const cursor = cursorReq.result;
    if (cursor) {
      t.objectStore("messages").delete(cursor.primaryKey);
      cursor.continue();
    }
  };
  return done(t);
}

export async function deleteMessages(ids: string[]): Promise<void> {
  const t = await tx(["messages"], "readwrite");
  for (const id of ids) t.objectStore("messages").delete(id);
  return done(t);
}

export async function clearAll(): Promise<void> {
  const t = await tx(STORES, "readwrite");
  for (const s of STORES) t.objectStore(s).clear();
  return done(t);
}

/** Every message, for search across all conversations. */
export async function eachMessage(visit: (value: any) => boolean | void): Promise<void> {
  const t = await tx(["messages"], "readonly");
  const req = t.objectStore("messages").openCursor();
  await new Promise<void>((resolve, reject) => {
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor || visit(cursor.value) === false) return resolve();
      cursor.continue();
    };
    req.onerror = () => reject(req.error);
  });
}
