import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { useStore } from "../lib/store";
import { live, messages } from "../state/chats";
import { windowOf } from "../lib/virtual";
import type { Chat } from "../state/types";
import { MessageItem } from "./MessageItem";

const PIN_DISTANCE = 80; // px from the bottom that still counts as "reading the end"
// Long chats render only what is near the viewport; short ones render whole,
// which keeps find-in-page and spares them any measuring.
const VIRTUAL_FROM = 60;

function Measured({ id, observer, children }: { id: string; observer: ResizeObserver | null; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !observer) return;
    observer.observe(el);
    return () => observer.unobserve(el);
  }, [observer]);
  return (
    <div ref={ref} data-row={id}>
      {children}
    </div>
  );
}

export function MessageList({ chat }: { chat: Chat | undefined }) {
  const list = useStore(messages);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const heights = useRef(new Map<string, number>());
  const [view, setView] = useState({ top: 0, height: 1000 });
  const [measured, setMeasured] = useState(0);
  const [observer, setObserver] = useState<ResizeObserver | null>(null);
  const virtual = list.length >= VIRTUAL_FROM;

  const toBottom = () => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  };

  // One observer for all rows: measured heights replace the estimates.
  useEffect(() => {
    let frame = 0;
    const ro = new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const id = (e.target as HTMLElement).dataset.row!;
        const h = Math.round(e.borderBoxSize?.[0]?.blockSize ?? e.contentRect.height);
        if (h > 0 && heights.current.get(id) !== h) {
          heights.current.set(id, h);
          changed = true;
        }
      }
      if (changed && !frame) frame = requestAnimationFrame(() => ((frame = 0), setMeasured((n) => n + 1)));
    });
    setObserver(ro);
    return () => {
      cancelAnimationFrame(frame);
      ro.disconnect();
    };
  }, []);

  // A new message or a newly opened chat: go to the end.
  useLayoutEffect(() => {
    pinned.current = true;
    const el = scroller.current;
    if (el) setView({ top: el.scrollTop, height: el.clientHeight });
    toBottom();
  }, [chat?.id, list.length]);

  // Measurements change the content height: stay at the end when reading it.
  useLayoutEffect(toBottom, [measured]);

  // The answer grows: follow it, unless the reader scrolled up.
  useEffect(() => live.subscribe(() => requestAnimationFrame(toBottom)), []);

  const clearIndex = chat?.clearIndex ?? 0;
  const divider = (
    <div class="context-divider" role="separator">
      <span>{t().contextCleared}</span>
    </div>
  );
  const win = virtual ? windowOf(list, heights.current, view.top, view.height) : { start: 0, end: list.length, padTop: 0, padBottom: 0 };

  return (
    <div
      class="message-list"
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < PIN_DISTANCE;
        if (virtual) setView({ top: el.scrollTop, height: el.clientHeight });
      }}
    >
      {list.length === 0 ? (
        <div class="empty-chat">
          <p>{t().emptyChat}</p>
          <p class="muted">{t().commandsHelp}</p>
        </div>
      ) : (
        <>
          {win.padTop > 0 && <div style={{ height: `${win.padTop}px` }} aria-hidden="true" />}
          {list.slice(win.start, win.end).map((m) => (
            <Measured key={m.id} id={m.id} observer={virtual ? observer : null}>
              {clearIndex > 0 && m.seq === clearIndex && divider}
              <MessageItem message={m} />
            </Measured>
          ))}
          {win.padBottom > 0 && <div style={{ height: `${win.padBottom}px` }} aria-hidden="true" />}
        </>
      )}
      {clearIndex > 0 && chat && clearIndex >= chat.nextSeq && list.length > 0 && divider}
    </div>
  );
}
