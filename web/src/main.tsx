import { render } from "preact";
import { App } from "./components/App";
import { flushDeletes, loadChats } from "./state/chats";
import { persistRunning } from "./state/conversation";
import { loadPricing } from "./state/pricing";
import { loadUserPrompts } from "./state/prompts";
import { loadServerConfig } from "./state/serverConfig";
import { loadSettings } from "./state/settings";
import "./styles.css";
import "./components/sidebar.css";
import "./components/chat.css";
import "./components/settings.css";

async function start(): Promise<void> {
  await Promise.all([loadSettings(), loadServerConfig()]);
  await loadChats();
  render(<App />, document.getElementById("app")!);
  document.body.dataset.ready = "true";
  // Not needed for the first screen: the user's prompts and the prices come
  // once it is idle; masks load with the masks page.
  const later = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200));
  later(() => void Promise.all([loadUserPrompts(), loadPricing()]));
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
