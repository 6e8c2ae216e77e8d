import { t } from "../i18n";
import { useStore } from "../lib/store";
import { chats, currentId, forkChat, toggleClearContext } from "../state/chats";
import { effectiveModel, modelLabel, serverConfig } from "../state/serverConfig";
import { settings } from "../state/settings";
import { go, sidebarOpen } from "../state/ui";
import { Composer } from "./Composer";
import { Icon } from "./icons";
import { MessageList } from "./MessageList";

export function ChatView() {
  const id = useStore(currentId);
  const chat = useStore(chats).find((c) => c.id === id);
  const config = useStore(serverConfig);
  const s = useStore(settings);
  const model = effectiveModel(s.model, config);

  return (
    <main class="chat-view">
      <header class="chat-head">
        <button type="button" class="icon-button only-narrow" aria-label={t().openSidebar} onClick={() => sidebarOpen.set(true)}>
          <Icon name="menu" />
        </button>
        <div class="chat-heading">
          <h1>{chat?.title || t().untitled}</h1>
          <p class="muted">{t().chatModel(modelLabel(model, config))}</p>
        </div>
        {chat && (
          <div class="chat-tools">
            <button type="button" class="icon-button" aria-label={t().clearContext} title={t().clearContext} onClick={toggleClearContext}>
              <Icon name="eraser" />
            </button>
            <button type="button" class="icon-button" aria-label={t().fork} title={t().fork} onClick={() => void forkChat()}>
              <Icon name="fork" />
            </button>
          </div>
        )}
      </header>
      <MessageList chat={chat} />
      {config.needCode && !s.accessCode && !s.apiKey && (
        <div class="auth-banner" role="note">
          <span>{t().errorUnauthorized}</span>
          <button type="button" class="button primary" onClick={() => go("settings", "accessCode")}>
            {t().openAccessCode}
          </button>
        </div>
      )}
      <Composer />
    </main>
  );
}
