import { Component } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { copyText } from "../lib/clipboard";
import { answerText, splitThink } from "../lib/think";
import { useStore } from "../lib/store";
import { live } from "../state/chats";
import { deleteMessage, edit, retry, stop } from "../state/conversation";
import { modelLabel, serverConfig } from "../state/serverConfig";
import type { Message } from "../state/types";
import { showToast } from "../state/ui";
import { ErrorNotice } from "./ErrorNotice";
import { Icon } from "./icons";
import { Markdown } from "./Markdown";

/** The growing text of the answer being written; only this re-renders per frame. */
function LiveText({ message }: { message: Message }) {
  const current = useStore(live);
  return <Answer {...(current?.id === message.id ? current : message)} streaming />;
}

type AnswerProps = { content: string; reasoning?: string; reasoningMs?: number; streaming?: boolean };

/** An answer, with its reasoning (reasoning_content, or a <think> block opening the text) folded away above it. */
function Answer({ content, reasoning, reasoningMs, streaming = false }: AnswerProps) {
  const split = splitThink(content, streaming, reasoning);
  const thought = split.reasoning;
  const thinking = streaming && !split.content.trim();
  return (
    <>
      {thought && (
        // Open while it streams; closed once the answer begins (unless the reader opens it).
        <details class="reasoning" open={thinking}>
          <summary>{thinking ? t().thinking : reasoningMs ? t().thoughtFor(Math.max(1, Math.round(reasoningMs / 1000))) : t().thought}</summary>
          <Markdown text={thought} streaming={thinking} />
        </details>
      )}
      {split.content ? <Markdown text={split.content} streaming={streaming} /> : thinking && !thought && <p class="muted typing">{t().thinking}</p>}
    </>
  );
}

/** A question's images; one opens at full size over the page. */
function Images({ images }: { images: string[] }) {
  const [open, setOpen] = useState(-1);
  const viewer = useRef<HTMLDialogElement>(null);
  useEffect(() => void (open >= 0 && viewer.current?.showModal()), [open]);
  const shown = images.filter((src) => src.startsWith("data:image/"));
  return (
    <div class="message-images">
      {shown.map((src, i) => (
        <button key={i} type="button" class="thumb" onClick={() => setOpen(i)}>
          <img src={src} alt={t().attachedImage(i + 1)} loading="lazy" />
        </button>
      ))}
      {open >= 0 && (
        <dialog ref={viewer} class="image-viewer" aria-label={t().attachedImage(open + 1)} onClose={() => setOpen(-1)} onClick={() => viewer.current?.close()}>
          <img src={shown[open]} alt={t().attachedImage(open + 1)} />
        </dialog>
      )}
    </div>
  );
}

async function copy(text: string) {
  if (await copyText(text)) showToast({ text: t().copied }, 1500);
}

function MessageView({ message }: { message: Message }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const isUser = message.role === "user";
  const isLive = message.status === "streaming";
  const config = useStore(serverConfig);
  const meta = t().at(new Date(message.createdAt).toLocaleString(), message.model ? modelLabel(message.model, config) : "");

  return (
    <article class={`message ${isUser ? "from-user" : "from-assistant"} status-${message.status}`} data-message-id={message.id}>
      <header class="message-head">
        <span class="message-role">{isUser ? t().you : t().assistant}</span>
        <time class="message-meta muted" dateTime={new Date(message.createdAt).toISOString()}>
          {meta}
        </time>
      </header>
      <div class="bubble">
        {editing ? (
          <div class="edit-box">
            <textarea aria-label={t().edit} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} rows={Math.min(12, draft.split("\n").length + 1)} />
            <div class="edit-actions">
              {isUser && (
                <button type="button" class="button primary" onClick={() => (setEditing(false), void edit(message.id, draft, true))}>
                  {t().saveAndSend}
                </button>
              )}
              <button type="button" class="button" onClick={() => (setEditing(false), void edit(message.id, draft, false))}>
                {t().save}
              </button>
              <button type="button" class="button" onClick={() => setEditing(false)}>
                {t().cancel}
              </button>
            </div>
          </div>
        ) : (
          <>
            {message.images?.length ? <Images images={message.images} /> : null}
            {isLive ? (
              <LiveText message={message} />
            ) : isUser ? (
              message.content && <Markdown text={message.content} />
            ) : (
              (message.content || message.reasoning) && <Answer content={message.content} reasoning={message.reasoning} reasoningMs={message.reasoningMs} />
            )}
          </>
        )}
        {message.status === "stopped" && <p class="muted status-note">{t().stopped}</p>}
        {message.status === "interrupted" && <p class="muted status-note">{t().interrupted}</p>}
        {message.status === "error" && message.error && <ErrorNotice error={message.error} />}
      </div>
      {message.usage && (
        <p class="message-usage muted">{t().tokens(message.usage.prompt_tokens, message.usage.completion_tokens, !!message.usage.estimated)}</p>
      )}
      <footer class="message-actions">
        {isLive ? (
          <button type="button" class="button stop" onClick={() => stop(message.id)}>
            <Icon name="stop" size={14} /> {t().stop}
          </button>
        ) : (
          <>
            <button type="button" class="icon-button" aria-label={t().copy} title={t().copy} onClick={() => copy(isUser ? message.content : answerText(message.content))}>
              <Icon name="copy" size={15} />
            </button>
            <button type="button" class="icon-button" aria-label={t().retry} title={t().retry} onClick={() => void retry(message.id)}>
              <Icon name="retry" size={15} />
            </button>
            <button
              type="button"
              class="icon-button"
              aria-label={t().edit}
              title={t().edit}
              onClick={() => {
                setDraft(message.content);
                setEditing(true);
              }}
            >
              <Icon name="edit" size={15} />
            </button>
            <button type="button" class="icon-button" aria-label={t().delete} title={t().delete} onClick={() => deleteMessage(message.id)}>
              <Icon name="trash" size={15} />
            </button>
          </>
        )}
      </footer>
    </article>
  );
}

/**
 * A message redraws only when its own record changes: a streaming answer
 * or a long history must not redraw every message each frame. (preact/compat's
 * memo would do the same for 3 kB more on the first screen.)
 */
export class MessageItem extends Component<{ message: Message }> {
  shouldComponentUpdate(next: { message: Message }): boolean {
    return next.message !== this.props.message;
  }

  render() {
    return <MessageView message={this.props.message} />;
  }
}
