// Signing in and out with the access code (see session.ts), and the trade of
// a code an earlier version stored or a fast link brought, once, on page load.
import { errorFromResponse, type ChatError } from "../lib/api";
import { serverConfig } from "./serverConfig";
import { session, sessionEnded } from "./session";
import { saveSettings } from "./settings";

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Trade a code for a session: null once signed in, else why not. */
export async function signIn(code: string): Promise<ChatError | null> {
  try {
    const res = await fetch("/api/auth", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: code.trim() }),
    });
    if (!res.ok) return await errorFromResponse(res);
    const j = await res.json().catch(() => ({}));
    // A server that needs no code opens no session, and needs none.
    session.set({ known: true, active: j.needCode !== false, label: text(j.label) });
    return null;
  } catch (e) {
    return { kind: "network", status: 0, code: "network", message: e instanceof Error ? e.message : String(e) };
  }
}

export async function signOut(): Promise<void> {
  await fetch("/api/auth", { method: "DELETE" }).catch(() => undefined);
  sessionEnded();
}

/** `?code=` in the address (or in its #/ part, as NextChat links put it), taken out of the address. */
export function takeLinkCode(): string {
  const url = new URL(location.href);
  const [path, query = ""] = url.hash.split("?");
  const inHash = new URLSearchParams(query);
  const code = url.searchParams.get("code") ?? inHash.get("code");
  if (code === null) return "";
  url.searchParams.delete("code");
  inHash.delete("code");
  const rest = inHash.toString();
  url.hash = rest ? `${path}?${rest}` : path;
  history.replaceState(history.state, "", url);
  return code.trim();
}

/**
 * On page load, after the settings and /api/config: an access code an earlier
 * version stored is traded for a session once and then removed from the
 * database, whatever the server answered (only an unreachable server leaves
 * it for the next load); a fast link's `?code=` signs in too. Returns why the
 * fast link did not sign in, if it did not.
 */
export async function startSession(legacyCode: string): Promise<ChatError | null> {
  const link = takeLinkCode();
  if (legacyCode) {
    const failed = session.get().active ? null : await signIn(legacyCode);
    if (failed?.kind !== "network") await saveSettings().catch(() => undefined);
  }
  if (!link || serverConfig.get().disableFastLink) return null;
  return signIn(link);
}
