import { render } from "preact";
import { App } from "./components/App";
import { setEnhanceLabels } from "./markdown/enhance";
import { locale, t } from "./i18n";
import { flushDeletes, loadChats } from "./state/chats";
import { persistRunning } from "./state/conversation";
import { loadServerConfig } from "./state/serverConfig";
import { loadSettings } from "./state/settings";
import "./styles.css";

async function start(): Promise<void> {
  await Promise.all([loadSettings(), loadServerConfig()]);
  await loadChats();
  const labels = () => setEnhanceLabels({ copy: t().copyCode, copied: t().copied });
  labels();
  locale.subscribe(labels);
  render(<App />, document.getElementById("app")!);
  document.body.dataset.ready = "true";
}

// Leaving the page: keep what has arrived of any answer, finish deletions.
addEventListener("pagehide", () => {
  persistRunning();
  flushDeletes();
});

if ("serviceWorker" in navigator && location.protocol !== "file:") {
  addEventListener("load", () => void navigator.serviceWorker.register("/sw.js").catch(() => undefined));
}

void start();
