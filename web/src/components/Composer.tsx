import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { useStore } from "../lib/store";
import { currentId, forkChat, loadDraft, messages, newChat, openChat, neighbour, saveDraft, toggleClearContext } from "../state/chats";
import { send, stop, streaming } from "../state/conversation";
import { parseCommand, type Command } from "../state/history";
import { settings, type SendKey } from "../state/settings";

import { Icon } from "./icons";
import { confirmDelete } from "./Sidebar";

function isSendKey(e: KeyboardEvent, key: SendKey): boolean {
  if (e.key !== "Enter" || e.isComposing) return false; // IME: Enter picks a candidate
  switch (key) {
    case "Enter":
      return !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey;
    case "Ctrl+Enter":
      return e.ctrlKey || e.metaKey;
    case "Shift+Enter":
      return e.shiftKey;
    case "Alt+Enter":
      return e.altKey;
  }
}

function runCommand(cmd: Command): void {
  const id = currentId.get();
  switch (cmd) {
    case "new":
      newChat();
      break;
    case "next":
    case "prev": {
      const target = neighbour(cmd === "next" ? 1 : -1);
      if (target) void openChat(target);
      break;
    }
    case "clear":
      toggleClearContext();
      break;
    case "fork":
      void forkChat();
      break;
    case "del":
      if (id) confirmDelete(id);
      break;
  }
}

export function Composer() {
  const chatId = useStore(currentId);
  const s = useStore(settings);
  useStore(streaming);
  const list = useStore(messages);
  const [text, setText] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);
  const liveAnswer = list.find((m) => m.status === "streaming");

  // Each chat keeps its own unsent draft.
  useEffect(() => {
    let stale = false;
    setText("");
    if (chatId) void loadDraft(chatId).then((d) => !stale && setText(d));
    area.current?.focus();
    return () => {
      stale = true;
    };
  }, [chatId]);

  // Grow with the text, up to a limit set in CSS.
  useLayoutEffect(() => {
    const el = area.current!;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const change = (value: string) => {
    setText(value);
    if (currentId.get()) saveDraft(currentId.get()!, value);
  };

  const submit = () => {
    const value = text.trim();
    if (!value) return;
    const cmd = parseCommand(value);
    change("");
    if (cmd) return runCommand(cmd);
    // Without a code the server decides: a 401 shows the unauthorized hint in the chat.
    void send(value);
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={area}
        rows={1}
        value={text}
        aria-label={t().composerPlaceholder(s.sendKey)}
        placeholder={t().composerPlaceholder(s.sendKey)}
        onInput={(e) => change(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (isSendKey(e, s.sendKey)) {
            e.preventDefault();
            submit();
          }
        }}
      />
      {liveAnswer ? (
        <button type="button" class="send-button stop" aria-label={t().stop} title={t().stop} onClick={() => stop(liveAnswer.id)}>
          <Icon name="stop" />
        </button>
      ) : (
        <button type="submit" class="send-button" aria-label={t().send} title={t().send} disabled={!text.trim()}>
          <Icon name="send" />
        </button>
      )}
    </form>
  );
}
