// Where the user is in the page, and the one toast that may be showing.
import { Store } from "../lib/store";

export type Route = "chat" | "settings" | "masks";
const ROUTES: Route[] = ["chat", "settings", "masks"];
const fromHash = (): Route => ROUTES.find((r) => location.hash === `#/${r}`) ?? "chat";
export const route = new Store<Route>(fromHash());
export const sidebarOpen = new Store<boolean>(false); // the drawer on narrow screens
export const focusField = new Store<string | null>(null); // a settings field to focus on arrival

export function go(to: Route, field?: string): void {
  focusField.set(field ?? null);
  route.set(to);
  const hash = to === "chat" ? "#/" : `#/${to}`;
  if (location.hash !== hash) history.pushState(null, "", hash);
}

window.addEventListener("popstate", () => route.set(fromHash()));

export interface Toast {
  text: string;
  action?: { label: string; run: () => void };
}
export const toast = new Store<Toast | null>(null);
let toastTimer: ReturnType<typeof setTimeout> | undefined;

export function showToast(t: Toast, ms = 5000): void {
  clearTimeout(toastTimer);
  toast.set(t);
  toastTimer = setTimeout(() => toast.set(null), ms);
}
