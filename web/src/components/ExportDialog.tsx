// Export one conversation: pick messages, then Markdown, JSON, a PNG share
// card, or Markdown on the clipboard.
import { render, type RefObject } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { locale, withTexts } from "../i18n";
import { exportEn } from "../i18n/export.en";
import { exportZhCN } from "../i18n/export.zh-CN";
import * as db from "../lib/db";
import { chatFilename, chatToJson, chatToMarkdown, copyText, dataUrlToBlob, download, downloadText, embeddedFontCss, imagesOf } from "../lib/exportChat";
import { useStore } from "../lib/store";
import { enhance } from "../markdown/enhance";
import { renderMarkdown } from "../markdown/render";
import { chats, currentId, messages as openMessages } from "../state/chats";
import { modelLabel, serverConfig } from "../state/serverConfig";
import type { Chat, Message, Role } from "../state/types";
import { Icon } from "./icons";
import "./export.css";

// Its texts load with it, not with the first screen.
const t = withTexts({ en: exportEn, "zh-CN": exportZhCN });

type Status = { kind: "busy" | "ok" | "error"; text: string } | null;

const roleNames = (): Record<Role, string> => ({ user: t().you, assistant: t().assistant, system: t().exportRoleSystem });
const when = (ms: number) => new Date(ms).toLocaleString(locale.get());
const modelName = (id: string) => modelLabel(id, serverConfig.get());

export function ExportDialog({ chatId, onClose }: { chatId: string; onClose: () => void }) {
  const chat = useStore(chats).find((c) => c.id === chatId);
  const list = useExportableMessages(chatId);
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<Status>(null);
  const box = useRef<HTMLDivElement>(null);
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);
  useDialog(box, onClose);
  const titleId = useId();

  const all = Array.isArray(list) ? list : [];
  const picked = all.filter((m) => !excluded.has(m.id));
  const title = chat?.title || t().untitled;
  const busy = status?.kind === "busy";
  const canExport = !busy && picked.length > 0;
  const markdown = () => chatToMarkdown(title, picked, { roles: roleNames(), time: when, model: modelName, image: t().imageNote });

  const toggle = (id: string, on: boolean) =>
    setExcluded((prev) => {
      const next = new Set(prev);
      if (on) next.delete(id);
      else next.add(id);
      return next;
    });

  const saved = (name: string) => setStatus({ kind: "ok", text: t().exportSaved(name) });
  const saveText = (ext: "md" | "json", text: string, type: string) => {
    const name = chatFilename(chat?.title ?? "", ext);
    downloadText(name, text, type);
    saved(name);
  };

  const saveImage = async () => {
    setStatus({ kind: "busy", text: t().exportRendering });
    try {
      const blob = await chatImage(title, picked);
      if (!alive.current) return; // closed meanwhile: the user changed their mind
      const name = chatFilename(chat?.title ?? "", "png");
      download(name, blob);
      saved(name);
    } catch (e) {
      console.warn("[export] image failed", e);
      if (alive.current) setStatus({ kind: "error", text: t().exportImageFailed(errorText(e)) });
    }
  };

  return (
    <div class="export-backdrop" {...backdropClose(onClose)}>
      <div class="export-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} aria-busy={busy} tabIndex={-1} ref={box}>
        <header class="export-head">
          <div class="export-heading">
            <h2 id={titleId}>{t().exportTitle}</h2>
            <p class="muted">{title}</p>
          </div>
          <button type="button" class="icon-button" aria-label={t().exportClose} title={t().exportClose} onClick={onClose}>
            <Icon name="close" />
          </button>
        </header>

        {list === null && <p class="export-note muted">{t().exportLoading}</p>}
        {list instanceof Error && <p class="export-note error">{t().exportLoadFailed}</p>}
        {Array.isArray(list) && !list.length && <p class="export-note muted">{t().exportEmpty}</p>}
        {all.length > 0 && (
          <MessagePicker
            list={all}
            excluded={excluded}
            onToggle={toggle}
            onAll={() => setExcluded(new Set())}
            onNone={() => setExcluded(new Set(all.map((m) => m.id)))}
          />
        )}

        <div class="export-actions" role="group" aria-label={t().exportAs}>
          <button type="button" class="button primary" disabled={!canExport} onClick={() => saveText("md", markdown(), "text/markdown")}>
            {t().exportMarkdown}
          </button>
          <button
            type="button"
            class="button"
            disabled={!canExport}
            onClick={() => saveText("json", JSON.stringify(chatToJson({ ...chatOrEmpty(chat), title }, picked), null, 2), "application/json")}
          >
            {t().exportJson}
          </button>
          <button type="button" class="button" disabled={!canExport} onClick={() => void saveImage()}>
            {busy && <span class="export-spinner" aria-hidden="true" />}
            {t().exportImage}
          </button>
          <button
            type="button"
            class="button"
            disabled={!canExport}
            onClick={async () => {
              const ok = await copyText(markdown());
              if (alive.current) setStatus(ok ? { kind: "ok", text: t().exportCopied } : { kind: "error", text: t().exportCopyFailed });
            }}
          >
            <Icon name="copy" size={16} />
            {t().exportCopyMarkdown}
          </button>
        </div>
        <p class={`export-status ${status?.kind ?? ""}`} role="status" aria-live="polite">
          {status?.text}
        </p>
      </div>
    </div>
  );
}

function MessagePicker(props: { list: Message[]; excluded: Set<string>; onToggle: (id: string, on: boolean) => void; onAll: () => void; onNone: () => void }) {
  const { list, excluded } = props;
  const labelId = useId();
  const names = roleNames();
  return (
    <>
      <div class="export-bar">
        <span id={labelId} class="export-count">
          {t().exportMessages}: {t().exportSelected(list.length - list.filter((m) => excluded.has(m.id)).length, list.length)}
        </span>
        <span class="export-bar-buttons">
          <button type="button" class="button" onClick={props.onAll}>
            {t().exportSelectAll}
          </button>
          <button type="button" class="button" onClick={props.onNone}>
            {t().exportSelectNone}
          </button>
        </span>
      </div>
      <ul class="export-list" aria-labelledby={labelId}>
        {list.map((m) => (
          <li key={m.id}>
            <label class="export-item">
              <input type="checkbox" checked={!excluded.has(m.id)} onChange={(e) => props.onToggle(m.id, e.currentTarget.checked)} />
              <span class="export-item-text">
                <span class="export-item-role">
                  {names[m.role]} <span class="muted">· {when(m.createdAt)}</span>
                </span>
                <span class="export-item-preview">{preview(`${m.images?.length ? `${t().imageNote} ` : ""}${m.content}`)}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
    </>
  );
}

// ---------------------------------------------------------------------------
// helpers

const preview = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 200);
const errorText = (e: unknown) => (e instanceof Error ? e.message : e instanceof Event ? e.type : String(e)) || "?";
const chatOrEmpty = (chat: Chat | undefined): Pick<Chat, "title" | "createdAt" | "mask" | "context"> =>
  chat ?? { title: "", createdAt: Date.now() };

/** The chat's messages that have text; null while loading, an Error if reading failed. */
function useExportableMessages(chatId: string): Message[] | null | Error {
  const [list, setList] = useState<Message[] | null | Error>(null);
  useEffect(() => {
    let live = true;
    // The open chat's messages are in memory and newest; others come from the database.
    const load = currentId.get() === chatId ? Promise.resolve(openMessages.get()) : db.messagesOf<Message>(chatId);
    load.then(
      (all) => live && setList([...all].sort((a, b) => a.seq - b.seq).filter((m) => m.content.trim() || m.images?.length)),
      (e: unknown) => live && setList(e instanceof Error ? e : new Error(String(e))),
    );
    return () => void (live = false);
  }, [chatId]);
  return list;
}

/** Close on a click that starts and ends on the backdrop (not a text selection dragged out of the dialog). */
function backdropClose(onClose: () => void) {
  let down = false;
  return {
    onMouseDown: (e: MouseEvent) => void (down = e.target === e.currentTarget),
    onClick: (e: MouseEvent) => {
      if (down && e.target === e.currentTarget) onClose();
      down = false;
    },
  };
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** Focus into the dialog, keep Tab inside it, Escape closes, focus returns to where it was. */
function useDialog(ref: RefObject<HTMLElement>, onClose: () => void): void {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const dialog = ref.current!;
    const before = document.activeElement as HTMLElement | null;
    dialog.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        close.current();
        return;
      }
      if (e.key !== "Tab") return;
      const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.getClientRects().length > 0);
      const first = items[0];
      const last = items[items.length - 1];
      const at = document.activeElement;
      if (!first) {
        e.preventDefault();
        dialog.focus();
      } else if (e.shiftKey && (at === first || at === dialog || !dialog.contains(at))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (at === last || !dialog.contains(at))) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("keydown", onKey, true);
      if (before?.isConnected) before.focus();
    };
  }, []);
}

// ---------------------------------------------------------------------------
// the PNG share card

interface CardMessage {
  id: string;
  role: Role;
  meta: string;
  html: string;
  images?: string[];
}

function ShareCard({ title, subtitle, items }: { title: string; subtitle: string; items: CardMessage[] }) {
  const names = roleNames();
  return (
    <div class="share-card">
      <header class="share-card-head">
        <div class="share-card-brand">{t().appName}</div>
        <h1 class="share-card-title">{title}</h1>
        {subtitle && <p class="share-card-meta">{subtitle}</p>}
      </header>
      {items.map((m) => (
        <article key={m.id} class={`share-msg from-${m.role}`}>
          <div class="share-msg-role">
            {names[m.role]}
            {m.meta && <span class="share-msg-meta"> · {m.meta}</span>}
          </div>
          {m.images && (
            <div class="message-images">
              {m.images.map((src, i) => (
                <img key={i} src={src} alt="" />
              ))}
            </div>
          )}
          {/* renderMarkdown's output is sanitized, as in <Markdown>. */}
          {m.html && <div class="share-msg-bubble markdown" dangerouslySetInnerHTML={{ __html: m.html }} />}
        </article>
      ))}
    </div>
  );
}

const BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

function imagesLoaded(root: HTMLElement, ms = 5000): Promise<unknown> {
  const waits = Array.from(root.querySelectorAll("img")).map((img) => {
    img.loading = "eager"; // lazy images never load off screen
    if (img.complete) return null;
    return new Promise((done) => {
      img.addEventListener("load", done, { once: true });
      img.addEventListener("error", done, { once: true });
    });
  });
  return Promise.race([Promise.all(waits), new Promise((done) => setTimeout(done, ms))]);
}

/** Draw the messages as a share card off screen and return it as a PNG. */
async function chatImage(title: string, picked: Message[]): Promise<Blob> {
  const models = [...new Set(picked.filter((m) => m.model).map((m) => modelName(m.model!)))];
  const last = picked[picked.length - 1]?.createdAt ?? Date.now();
  const date = new Date(last).toLocaleDateString(locale.get(), { year: "numeric", month: "long", day: "numeric" });
  const items = picked.map((m) => ({ id: m.id, role: m.role, meta: m.model ? modelName(m.model) : "", html: renderMarkdown(m.content), images: imagesOf(m.images) }));

  const host = document.createElement("div");
  host.className = "share-card-host";
  host.setAttribute("aria-hidden", "true");
  document.body.append(host);
  try {
    render(<ShareCard title={title} subtitle={[...models, date].join(" · ")} items={items} />, host);
    const card = host.firstElementChild as HTMLElement;
    const [{ toPng }] = await Promise.all([import("html-to-image"), enhance(card, { final: true })]);
    void card.offsetHeight; // lay out, so the fonts in use start loading
    await Promise.all([document.fonts.ready, imagesLoaded(card)]);
    const url = await toPng(card, {
      pixelRatio: 2,
      backgroundColor: getComputedStyle(card).backgroundColor,
      fontEmbedCSS: await embeddedFontCss(card),
      imagePlaceholder: BLANK,
      filter: (node) => !(node instanceof HTMLElement && node.classList.contains("code-copy")),
    });
    return dataUrlToBlob(url);
  } finally {
    render(null, host);
    host.remove();
  }
}
