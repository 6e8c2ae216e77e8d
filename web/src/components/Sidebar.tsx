import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { useStore } from "../lib/store";
import { chats, currentId, deleteChat, newChat, openChat, renameChat, searchChats, undoDelete } from "../state/chats";
import { settings } from "../state/settings";
import { go, showToast, sidebarOpen } from "../state/ui";
import type { Chat } from "../state/types";
import { Icon } from "./icons";

export function Sidebar() {
  const list = useStore(chats);
  const current = useStore(currentId);
  const open = useStore(sidebarOpen);
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<Set<string> | null>(null);

  useEffect(() => {
    if (!query.trim()) return setHits(null);
    let stale = false;
    const timer = setTimeout(() => searchChats(query).then((h) => !stale && setHits(h)), 150);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query, list]);

  const shown = hits ? list.filter((c) => hits.has(c.id)) : list;
  const pick = (id: string) => {
    void openChat(id);
    go("chat");
    sidebarOpen.set(false);
  };

  return (
    <aside class={`sidebar${open ? " open" : ""}`} aria-label={t().appName}>
      <div class="sidebar-head">
        <strong class="brand">{t().appName}</strong>
        <button type="button" class="icon-button only-narrow" aria-label={t().closeSidebar} onClick={() => sidebarOpen.set(false)}>
          <Icon name="close" />
        </button>
      </div>
      <button
        type="button"
        class="new-chat"
        onClick={() => {
          sidebarOpen.set(false);
          if (settings.get().maskOnNewChat) return go("masks");
          newChat(undefined, settings.get().sendMemory);
          go("chat");
        }}
      >
        <Icon name="plus" /> {t().newChat}
      </button>
      <label class="search">
        <Icon name="search" size={16} />
        <input type="search" placeholder={t().searchChats} aria-label={t().searchChats} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      <nav class="chat-list" aria-label={t().appName}>
        {shown.length === 0 && <p class="muted empty">{query ? t().noMatches : t().noChats}</p>}
        <ul>
          {shown.map((chat) => (
            <ChatItem key={chat.id} chat={chat} active={chat.id === current} onPick={pick} />
          ))}
        </ul>
      </nav>
      <div class="sidebar-foot">
        <button
          type="button"
          class="icon-button"
          aria-label={t().masks}
          title={t().masks}
          onClick={() => {
            go("masks");
            sidebarOpen.set(false);
          }}
        >
          <Icon name="masks" />
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label={t().settings}
          title={t().settings}
          onClick={() => {
            go("settings");
            sidebarOpen.set(false);
          }}
        >
          <Icon name="settings" />
        </button>
      </div>
    </aside>
  );
}

function ChatItem({ chat, active, onPick }: { chat: Chat; active: boolean; onPick: (id: string) => void }) {
  const [renaming, setRenaming] = useState(false);
  const title = chat.title || t().untitled;
  if (renaming) {
    return (
      <li class="chat-item active">
        <input
          class="rename"
          aria-label={t().rename}
          value={chat.title}
          ref={(el) => el?.focus()}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              renameChat(chat.id, e.currentTarget.value);
              setRenaming(false);
            } else if (e.key === "Escape") setRenaming(false);
          }}
          onBlur={(e) => {
            renameChat(chat.id, e.currentTarget.value);
            setRenaming(false);
          }}
        />
      </li>
    );
  }
  return (
    <li class={`chat-item${active ? " active" : ""}`}>
      <button type="button" class="chat-open" aria-current={active ? "true" : undefined} onClick={() => onPick(chat.id)}>
        <span class="chat-title">{title}</span>
        <span class="chat-meta muted">
          {t().messageCount(chat.messageCount)} · {new Date(chat.updatedAt).toLocaleDateString()}
        </span>
      </button>
      <span class="chat-actions">
        <button type="button" class="icon-button" aria-label={`${t().rename}: ${title}`} title={t().rename} onClick={() => setRenaming(true)}>
          <Icon name="edit" size={15} />
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label={`${t().delete}: ${title}`}
          title={t().delete}
          onClick={() => confirmDelete(chat.id)}
        >
          <Icon name="trash" size={15} />
        </button>
      </span>
    </li>
  );
}

export function confirmDelete(id: string) {
  const chat = deleteChat(id);
  if (!chat) return;
  showToast({ text: t().deleted(chat.title || t().untitled), action: { label: t().undo, run: () => undoDelete(id) } });
}
