import { render } from "preact";
import { App } from "./components/App";
import { errorHeadline } from "./components/ErrorNotice";
import { flushDeletes, loadChats } from "./state/chats";
import { persistRunning } from "./state/conversation";
import { loadPricing } from "./state/pricing";
import { loadUserPrompts } from "./state/prompts";
import { loadServerConfig } from "./state/serverConfig";
import { checkSession } from "./state/session";
import { loadSettings } from "./state/settings";
import { showToast } from "./state/ui";
import "./styles.css";
import "./components/sidebar.css";
import "./components/chat.css";

async function start(): Promise<void> {
  const [legacyCode] = await Promise.all([loadSettings(), loadServerConfig(), checkSession()]);
  // A code an earlier version stored, or a fast link's ?code=, is traded for a
  // session before the first screen. Rare: only then does that code load.
  const trade = legacyCode || /[?&#]code=/.test(location.search + location.hash) ? import("./state/signin").then((m) => m.startSession(legacyCode)) : null;
  const [linkError] = await Promise.all([trade, loadChats()]);
  render(<App />, document.getElementById("app")!);
  document.body.dataset.ready = "true";
  if (linkError) showToast({ text: errorHeadline(linkError) });
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
