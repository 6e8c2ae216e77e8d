import { Component } from "preact";
import { useState } from "preact/hooks";
import { t } from "../i18n";
import { copyText } from "../lib/clipboard";
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
function LiveText({ id, fallback }: { id: string; fallback: string }) {
  const current = useStore(live);
  const text = current?.id === id ? current.content : fallback;
  return text ? <Markdown text={text} streaming /> : <p class="muted typing">{t().thinking}</p>;
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
        ) : isLive ? (
          <LiveText id={message.id} fallback={message.content} />
        ) : message.content ? (
          <Markdown text={message.content} />
        ) : null}
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
            <button type="button" class="icon-button" aria-label={t().copy} title={t().copy} onClick={() => copy(message.content)}>
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
