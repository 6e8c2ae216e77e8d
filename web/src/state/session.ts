// The access-code session. The page trades the code once at POST /api/auth
// for an HttpOnly, SameSite=Strict cookie that its scripts never see;
// same-origin requests carry it (fetch's default credentials), so neither the
// code nor the session can be read out of the page.
//
// Only what the first screen needs is here; signing in and out, and the
// one-time trade of an old stored code or a fast link, are in signin.ts,
// loaded with the settings page or when there is a code to trade.
import { Store } from "../lib/store";

export interface Session {
  known: boolean; // the server has said (GET /api/auth); offline it has not
  active: boolean;
  label: string; // the code's name on the server, "" when it has none
}

export const session = new Store<Session>({ known: false, active: false, label: "" });

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** GET /api/auth: whether this browser has a session. */
export async function checkSession(): Promise<void> {
  try {
    const res = await fetch("/api/auth", { cache: "no-store" });
    if (!res.ok) return;
    const j = await res.json();
    session.set({ known: true, active: j.session === true, label: text(j.label) });
  } catch {
    // Offline: unknown, so nothing asks for a code that may well be there.
  }
}

/** The server no longer knows this browser's session (a 401 on a chat). */
export function sessionEnded(): void {
  session.set({ known: true, active: false, label: "" });
}
