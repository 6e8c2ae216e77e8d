import { useEffect } from "preact/hooks";
import { browserLocale, locale } from "../i18n";
import { useStore } from "../lib/store";
import { settings } from "../state/settings";
import { route, sidebarOpen } from "../state/ui";
import { ChatView } from "./ChatView";
import { lazy } from "./Lazy";

const SettingsPage = lazy(() => import("./SettingsPage").then((m) => m.SettingsPage));
const MasksPage = lazy(() => import("./MasksPage").then((m) => m.MasksPage));
const AdminPage = lazy(() => import("./admin/AdminPage").then((m) => m.AdminPage));
import { Sidebar } from "./Sidebar";
import { Toast } from "./Toast";

const darkQuery = matchMedia("(prefers-color-scheme: dark)");

function applyLook(): void {
  const s = settings.get();
  const root = document.documentElement;
  root.dataset.theme = s.theme === "auto" ? (darkQuery.matches ? "dark" : "light") : s.theme;
  root.style.setProperty("--font-size", `${s.fontSize}px`);
  locale.set(s.lang === "auto" ? browserLocale() : s.lang);
  root.lang = locale.get();
}

export function App() {
  const where = useStore(route);
  const lang = useStore(locale);
  const drawer = useStore(sidebarOpen);
  useStore(settings);
  applyLook();

  useEffect(() => {
    darkQuery.addEventListener("change", applyLook);
    return () => darkQuery.removeEventListener("change", applyLook);
  }, []);

  if (location.pathname.startsWith("/admin")) return <AdminPage />;
  // Keyed by language: memoised messages redraw in the new language.
  return (
    <div class="app" key={lang}>
      <Sidebar />
      {drawer && <div class="scrim only-narrow" onClick={() => sidebarOpen.set(false)} />}
      {where === "settings" ? <SettingsPage /> : where === "masks" ? <MasksPage /> : <ChatView />}
      <Toast />
    </div>
  );
}
