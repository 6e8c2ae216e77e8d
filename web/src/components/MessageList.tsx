import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import { useStore } from "../lib/store";
import { live, messages } from "../state/chats";
import type { Chat } from "../state/types";
import { MessageItem } from "./MessageItem";

const PIN_DISTANCE = 80; // px from the bottom that still counts as "reading the end"

export function MessageList({ chat }: { chat: Chat | undefined }) {
  const list = useStore(messages);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  const toBottom = () => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  };

  // A new message or a newly opened chat: go to the end.
  useLayoutEffect(() => {
    pinned.current = true;
    toBottom();
  }, [chat?.id, list.length]);

  // The answer grows: follow it, unless the reader scrolled up.
  useEffect(() => live.subscribe(() => requestAnimationFrame(toBottom)), []);

  const clearIndex = chat?.clearIndex ?? 0;
  const divider = (
    <div class="context-divider" role="separator">
      <span>{t().contextCleared}</span>
    </div>
  );

  return (
    <div
      class="message-list"
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < PIN_DISTANCE;
      }}
    >
      {list.length === 0 ? (
        <div class="empty-chat">
          <p>{t().emptyChat}</p>
          <p class="muted">{t().commandsHelp}</p>
        </div>
      ) : (
        list.map((m) => (
          <div key={m.id}>
            {clearIndex > 0 && m.seq === clearIndex && divider}
            <MessageItem message={m} />
          </div>
        ))
      )}
      {clearIndex > 0 && chat && clearIndex >= chat.nextSeq && list.length > 0 && divider}
    </div>
  );
}
