import { render } from "preact";
import { App } from "./components/App";
import { flushDeletes, loadChats } from "./state/chats";
import { persistRunning } from "./state/conversation";
import { loadPricing } from "./state/pricing";
import { loadUserPrompts } from "./state/prompts";
import { loadServerConfig } from "./state/serverConfig";
import { loadSettings } from "./state/settings";
import "./styles.css";

async function start(): Promise<void> {
  await Promise.all([loadSettings(), loadServerConfig()]);
  await loadChats();
  render(<App />, document.getElementById("app")!);
  document.body.dataset.ready = "true";
  // Not needed for the first screen: masks, prompts and prices come after it.
  void Promise.all([import("./state/masks").then((m) => m.loadMasks()), loadUserPrompts(), loadPricing()]);
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
