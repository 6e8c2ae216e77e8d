// Export and backup helpers. Everything above the "browser only" line is
// pure (unit-tested in node); the rest needs a DOM.
import type { BackupData } from "./backup";
import type { Chat, ContextMessage, Mask, Message, MessageStatus, Prompt, Role, Usage } from "../state/types";

// ---------------------------------------------------------------------------
// file names

const FORBIDDEN = /[\/\\:*?"<>|\u0000-\u001f\u007f]/g;
const RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)$/i; // Windows device names
export const MAX_NAME = 80;

/** A title -> a file name base that every OS accepts: no / \ : * ? " < > |, at most 80 characters. */
export function sanitizeFilename(name: string, fallback = "chat"): string {
  const trim = (s: string) => s.replace(/\s+/g, " ").replace(/^[\s.]+|[\s.]+$/g, "");
  // Cut by code points so an emoji is never split in half.
  let out = trim(Array.from(trim(name.replace(FORBIDDEN, " "))).slice(0, MAX_NAME).join(""));
  if (RESERVED.test(out)) out = `${out}_`;
  return out || fallback;
}

export function chatFilename(title: string, ext: "md" | "json" | "png"): string {
  return `${sanitizeFilename(title)}.${ext}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** chatnext-backup-YYYY-MM-DD.json, in local time. */
export function backupFilename(now = new Date()): string {
  return `chatnext-backup-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}

// ---------------------------------------------------------------------------
// one conversation as Markdown

export interface MarkdownOptions {
  roles: Record<Role, string>; // localized "You", "Assistant", "System"
  time: (ms: number) => string;
  model?: (id: string) => string; // display name of a model id
  image?: string; // localized "[image]", noted where a question had images
}

type Fence = { char: string; len: number };

/** Close a code fence left open (an answer stopped mid-block), so what follows is not swallowed by it. */
export function closeOpenFence(text: string): string {
  let open: Fence | null = null;
  for (const line of text.split("\n")) {
    if (!open) {
      const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (m && !(m[1][0] === "`" && line.slice(m.index + m[0].length).includes("`"))) open = { char: m[1][0], len: m[1].length };
    } else {
      const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (m && m[1][0] === open.char && m[1].length >= open.len) open = null;
    }
  }
  return open ? `${text}\n${open.char.repeat(open.len)}` : text;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

export function chatToMarkdown(title: string, messages: Message[], opts: MarkdownOptions): string {
  const blocks = messages.map((m) => {
    const meta = [`**${opts.roles[m.role] ?? m.role}**`, opts.time(m.createdAt)];
    if (m.model) meta.push(oneLine(opts.model ? opts.model(m.model) : m.model));
    const images = m.images?.length ? Array(m.images.length).fill(opts.image ?? "[image]").join(" ") : "";
    const text = [images, closeOpenFence(m.content.replace(/\s+$/, ""))].filter(Boolean).join("\n\n");
    return `${meta.join(" · ")}\n\n${text}`;
  });
  return `# ${oneLine(title)}\n\n${blocks.join("\n\n---\n\n")}\n`;
}

// ---------------------------------------------------------------------------
// one conversation as JSON

export interface ChatExport {
  app: "chatnext";
  kind: "chat";
  chat: { title: string; createdAt: number; mask?: Chat["mask"]; context?: ContextMessage[] };
  messages: { role: Role; content: string; createdAt: number; model?: string; usage?: Usage; images?: string[]; reasoning?: string }[];
}

export function chatToJson(chat: Pick<Chat, "title" | "createdAt" | "mask" | "context">, messages: Message[]): ChatExport {
  return {
    app: "chatnext",
    kind: "chat",
    chat: {
      title: chat.title,
      createdAt: chat.createdAt,
      ...(chat.mask ? { mask: chat.mask } : {}),
      ...(chat.context?.length ? { context: chat.context } : {}),
    },
    messages: messages.map((m) => ({
      role: m.role,
      content: m.content,
      createdAt: m.createdAt,
      ...(m.model ? { model: m.model } : {}),
      ...(m.usage ? { usage: m.usage } : {}),
      ...(m.images?.length ? { images: m.images } : {}),
      ...(m.reasoning ? { reasoning: m.reasoning } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------
// backups: records from a file, made safe to store

type Raw = Record<string, any>;
const isObj = (v: unknown): v is Raw => !!v && typeof v === "object" && !Array.isArray(v);
const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback = "") => (typeof v === "string" ? v : fallback);
const hasId = (v: unknown): v is Raw => isObj(v) && typeof v.id === "string" && v.id.length > 0;
const ROLES: Role[] = ["user", "assistant", "system"];
const STATUSES: MessageStatus[] = ["done", "stopped", "error", "interrupted"];
const roleOf = (v: unknown): Role => (ROLES.includes(v as Role) ? (v as Role) : "assistant");
const contextOf = (v: unknown): ContextMessage[] =>
  Array.isArray(v) ? v.filter((c) => isObj(c) && typeof c.content === "string").map((c) => ({ role: roleOf(c.role), content: c.content })) : [];

function cleanChat(c: Raw, now: number): Chat {
  const updatedAt = num(c.updatedAt, now);
  return {
    ...(c as Chat),
    title: str(c.title),
    createdAt: num(c.createdAt, updatedAt),
    updatedAt,
    nextSeq: Math.max(0, num(c.nextSeq, 0)),
    clearIndex: Math.max(0, num(c.clearIndex, 0)),
    messageCount: Math.max(0, num(c.messageCount, 0)),
    mask: isObj(c.mask) && typeof c.mask.name === "string" ? { ...c.mask, name: c.mask.name, avatar: str(c.mask.avatar, "🤖") } : undefined,
    context: c.context === undefined ? undefined : contextOf(c.context),
    config: isObj(c.config) ? c.config : undefined,
    memory: isObj(c.memory)
      ? { enabled: c.memory.enabled !== false, prompt: str(c.memory.prompt), upTo: Math.max(0, num(c.memory.upTo, 0)) }
      : undefined,
  };
}

function cleanMessage(m: Raw): Message {
  // An answer that was streaming when the backup was made did not finish.
  const status: MessageStatus = m.status === "streaming" ? "interrupted" : STATUSES.includes(m.status) ? m.status : "done";
  return {
    ...(m as Message),
    role: roleOf(m.role),
    createdAt: num(m.createdAt, 0),
    model: typeof m.model === "string" ? m.model : undefined,
    status,
    error: status === "error" && isObj(m.error) ? (m.error as Message["error"]) : undefined,
    usage: isObj(m.usage) ? (m.usage as Usage) : undefined,
    images: imagesOf(m.images),
    reasoning: typeof m.reasoning === "string" && m.reasoning ? m.reasoning : undefined,
    reasoningMs: typeof m.reasoningMs === "number" && m.reasoningMs >= 0 ? m.reasoningMs : undefined,
  };
}

/** Only image data URLs: a backup is a file from anywhere, and these become <img> sources. */
export function imagesOf(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && /^data:image\/[\w.+-]+;base64,/.test(x)) : [];
  return list.length ? list : undefined;
}

function cleanMask(m: Raw, now: number): Mask {
  return {
    ...(m as Mask),
    name: str(m.name),
    avatar: str(m.avatar, "🤖"),
    lang: str(m.lang),
    context: contextOf(m.context),
    modelConfig: isObj(m.modelConfig) ? m.modelConfig : {},
    builtin: false,
    createdAt: num(m.createdAt, now),
    updatedAt: num(m.updatedAt, now),
  };
}

function cleanPrompt(p: Raw, now: number): Prompt {
  const { builtin: _builtin, ...rest } = p as Prompt; // a stored prompt is the user's own
  return { ...rest, title: str(p.title), createdAt: num(p.createdAt, now), updatedAt: num(p.updatedAt, now) };
}

/**
 * Records read from a backup file, with every field the app relies on
 * present and of the right type. Records that cannot be repaired (no id, a
 * message without text or chat) are dropped and counted.
 */
export function cleanBackup(data: BackupData, now = Date.now()): { data: BackupData; skipped: number } {
  let skipped = 0;
  const keep = <T>(list: unknown, ok: (x: unknown) => x is Raw, make: (x: Raw) => T): T[] => {
    const items: unknown[] = Array.isArray(list) ? list : [];
    const out = items.filter(ok).map(make);
    skipped += items.length - out.length;
    return out;
  };
  const isMessage = (m: unknown): m is Raw =>
    hasId(m) && typeof m.chatId === "string" && typeof m.content === "string" && Number.isFinite(m.seq);
  const isPrompt = (p: unknown): p is Raw => hasId(p) && typeof p.content === "string";
  return {
    data: {
      chats: keep(data.chats, hasId, (c) => cleanChat(c, now)),
      messages: keep(data.messages, isMessage, cleanMessage),
      masks: keep(data.masks, hasId, (m) => cleanMask(m, now)),
      prompts: keep(data.prompts, isPrompt, (p) => cleanPrompt(p, now)),
      settings: isObj(data.settings) ? data.settings : undefined,
    },
    skipped,
  };
}

// ---------------------------------------------------------------------------
// images

/** The first url() of a @font-face `src` in the preferred format, else the first url() at all. */
export function pickFontUrl(src: string, prefer = "woff2"): string | null {
  const entries = [...src.matchAll(/url\(\s*(["']?)([^"')]+)\1\s*\)(?:\s*format\(\s*["']?([^"')]+)["']?\s*\))?/g)];
  const best = entries.find((e) => e[3] === prefer) ?? entries[0];
  return best ? best[2] : null;
}

/** data:image/png;base64,... -> Blob, without fetch() (works under any CSP). */
export function dataUrlToBlob(url: string): Blob {
  const m = /^data:([^;,]+)?((?:;[^;,]*)*?)(;base64)?,(.*)$/s.exec(url);
  if (!m) throw new Error("not a data URL");
  const type = m[1] ?? "application/octet-stream";
  if (!m[3]) return new Blob([decodeURIComponent(m[4])], { type });
  const bin = atob(m[4]);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

// ---------------------------------------------------------------------------
// browser only

/** Save a blob as a file through a temporary <a download>. */
export function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function downloadText(filename: string, text: string, type: string): void {
  download(filename, new Blob([text], { type: `${type};charset=utf-8` }));
}

export { copyText } from "./clipboard";

const fontData = new Map<string, Promise<string>>();

function fetchAsDataUrl(url: string): Promise<string> {
  let p = fontData.get(url);
  if (!p) {
    p = fetch(url)
      .then((res) => {
        if (!res.ok) throw new Error(`${res.status} ${url}`);
        return res.blob();
      })
      .then(
        (blob) =>
          new Promise<string>((resolve, reject) => {
            const reader = new FileReader();
            reader.onload = () => resolve(String(reader.result));
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(blob);
          }),
      );
    p.catch(() => fontData.delete(url));
    fontData.set(url, p);
  }
  return p;
}

function fontFaceRules(): CSSFontFaceRule[] {
  const out: CSSFontFaceRule[] = [];
  const visit = (rules: () => CSSRuleList) => {
    let list: CSSRule[];
    try {
      list = Array.from(rules());
    } catch {
      return; // a cross-origin sheet: not ours
    }
    for (const rule of list) {
      if (rule instanceof CSSFontFaceRule) out.push(rule);
      else if (rule instanceof CSSImportRule && rule.styleSheet) visit(() => rule.styleSheet!.cssRules);
      else if (rule instanceof CSSGroupingRule) visit(() => rule.cssRules);
    }
  };
  for (const sheet of Array.from(document.styleSheets)) visit(() => sheet.cssRules);
  return out;
}

const family = (f: string) => f.trim().replace(/^["']|["']$/g, "");
const FONT_DESCRIPTORS = ["font-style", "font-weight", "font-stretch", "unicode-range", "font-display"];

/**
 * @font-face rules, with the font files inlined (woff2 only), for every web
 * font `root` uses, such as KaTeX's. An image drawn from an SVG cannot load
 * anything itself, so without this formulas come out in a fallback font.
 * html-to-image can do this too, but it inlines every format of each font.
 */
export async function embeddedFontCss(root: HTMLElement): Promise<string> {
  const used = new Set<string>();
  for (const el of [root, ...Array.from(root.querySelectorAll("*"))]) {
    for (const f of getComputedStyle(el).fontFamily.split(",")) used.add(family(f));
  }
  const rules = fontFaceRules().filter((r) => used.has(family(r.style.getPropertyValue("font-family"))));
  const css = await Promise.all(
    rules.map(async (rule) => {
      const url = pickFontUrl(rule.style.getPropertyValue("src"));
      if (!url) return "";
      try {
        const data = url.startsWith("data:") ? url : await fetchAsDataUrl(new URL(url, rule.parentStyleSheet?.href ?? document.baseURI).href);
        const descriptors = FONT_DESCRIPTORS.map((d) => [d, rule.style.getPropertyValue(d)]).filter(([, v]) => v);
        return `@font-face{font-family:${rule.style.getPropertyValue("font-family")};src:url("${data}");${descriptors.map(([d, v]) => `${d}:${v};`).join("")}}`;
      } catch (e) {
        console.warn("[export] font not embedded", url, e);
        return "";
      }
    }),
  );
  return css.filter(Boolean).join("\n");
}
