import { useState } from "preact/hooks";
import { t } from "../i18n";
import { estimateCost } from "../lib/cost";
import { useStore } from "../lib/store";
import { attachFiles } from "../state/attach";
import { chats, currentId, forkChat, messages, toggleClearContext } from "../state/chats";
import { chatModel } from "../state/conversation";
import { formatCost, pricing } from "../state/pricing";
import { modelLabel, serverConfig } from "../state/serverConfig";
import { session } from "../state/session";
import { settings } from "../state/settings";
import type { Message } from "../state/types";
import { go, sidebarOpen } from "../state/ui";
import { Composer } from "./Composer";
import { Icon } from "./icons";
import { lazy } from "./Lazy";
import { MessageList } from "./MessageList";

const ChatSettingsDialog = lazy(() => import("./ChatSettingsDialog").then((m) => m.ChatSettingsDialog));
const ExportDialog = lazy(() => import("./ExportDialog").then((m) => m.ExportDialog));

function totals(list: Message[]): { tokens: number; cost: string } {
  let tokens = 0;
  let cost = 0;
  let priced = false;
  const table = pricing.get();
  for (const m of list) {
    if (!m.usage) continue;
    tokens += m.usage.prompt_tokens + m.usage.completion_tokens;
    const c = table && m.model ? estimateCost(m.model, m.usage.prompt_tokens, m.usage.completion_tokens, table) : null;
    if (c !== null) {
      cost += c;
      priced = true;
    }
  }
  return { tokens, cost: priced && table ? formatCost(cost, table.currency) : "" };
}

export function ChatView() {
  const id = useStore(currentId);
  const chat = useStore(chats).find((c) => c.id === id);
  const config = useStore(serverConfig);
  const s = useStore(settings);
  const auth = useStore(session);
  const list = useStore(messages);
  useStore(pricing);
  const [dialog, setDialog] = useState<"settings" | "export" | null>(null);
  const files = (e: DragEvent) => e.dataTransfer?.types.includes("Files");
  const model = chatModel(chat);
  const sum = totals(list);

  return (
    <main
      class="chat-view"
      // Images dropped anywhere on the chat are attached to the question.
      onDragOver={(e) => files(e) && e.preventDefault()}
      onDrop={(e) => {
        if (!files(e)) return;
        e.preventDefault();
        attachFiles(Array.from(e.dataTransfer!.files));
      }}
    >
      <header class="chat-head">
        <button type="button" class="icon-button only-narrow" aria-label={t().openSidebar} onClick={() => sidebarOpen.set(true)}>
          <Icon name="menu" />
        </button>
        {chat?.mask && (
          <span class="chat-mask" title={chat.mask.name} aria-hidden="true">
            {chat.mask.avatar}
          </span>
        )}
        <div class="chat-heading">
          <h1>{chat?.title || t().untitled}</h1>
          <p class="muted">
            {t().chatModel(modelLabel(model, config))}
            {sum.tokens > 0 && (
              <span class="chat-total" title={t().estimatedCost}>
                {" · "}
                {t().chatTotal(sum.tokens, sum.cost)}
              </span>
            )}
          </p>
        </div>
        {chat && (
          <div class="chat-tools">
            <button type="button" class="icon-button" aria-label={t().clearContext} title={t().clearContext} onClick={toggleClearContext}>
              <Icon name="eraser" />
            </button>
            <button type="button" class="icon-button" aria-label={t().fork} title={t().fork} onClick={() => void forkChat()}>
              <Icon name="fork" />
            </button>
            <button type="button" class="icon-button" aria-label={t().export} title={t().export} onClick={() => setDialog("export")}>
              <Icon name="download" />
            </button>
            <button type="button" class="icon-button" aria-label={t().chatSettings} title={t().chatSettings} onClick={() => setDialog("settings")}>
              <Icon name="sliders" />
            </button>
          </div>
        )}
      </header>
      <MessageList chat={chat} />
      {config.needCode && auth.known && !auth.active && !s.apiKey && (
        <div class="auth-banner" role="note">
          <span>{t().errorUnauthorized}</span>
          <button type="button" class="button primary" onClick={() => go("settings", "accessCode")}>
            {t().openAccessCode}
          </button>
        </div>
      )}
      <Composer />
      {chat && dialog === "settings" && <ChatSettingsDialog chat={chat} onClose={() => setDialog(null)} />}
      {chat && dialog === "export" && <ExportDialog chatId={chat.id} onClose={() => setDialog(null)} />}
    </main>
  );
}
