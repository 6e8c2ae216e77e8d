import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The settings record in a fake database, as an earlier version left it.
const stored = new Map<string, unknown>();
vi.mock("../lib/db", () => ({
  get: async (_store: string, key: string) => stored.get(key),
  put: async (_store: string, value: unknown, key: string) => void stored.set(key, structuredClone(value)),
}));

const { loadSettings } = await import("./settings");
const { session } = await import("./session");
const { startSession, takeLinkCode } = await import("./signin");
const { serverConfig } = await import("./serverConfig");

type Call = { url: string; method: string; body: unknown };
let calls: Call[] = [];

function answer(status: number, body: unknown): void {
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    calls.push({ url, method: init.method ?? "GET", body: init.body ? JSON.parse(String(init.body)) : undefined });
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  });
}

function at(href: string): void {
  const place = { href };
  vi.stubGlobal("location", place);
  vi.stubGlobal("history", { state: null, replaceState: (_s: unknown, _t: string, url: URL) => void (place.href = String(url)) });
}

beforeEach(() => {
  calls = [];
  stored.clear();
  session.set({ known: true, active: false, label: "" });
  serverConfig.update((c) => ({ ...c, disableFastLink: false }));
  at("http://chat.test/");
});
afterEach(() => vi.unstubAllGlobals());

describe("an access code stored by an earlier version", () => {
  it("is traded for a session once, then removed from the database", async () => {
    stored.set("settings", { version: 1, accessCode: "family", theme: "dark" });
    answer(200, { ok: true, needCode: true, label: "e2e" });
    const legacy = await loadSettings();
    expect(legacy).toBe("family");
    await startSession(legacy);
    expect(calls).toEqual([{ url: "/api/auth", method: "POST", body: { code: "family" } }]);
    expect(session.get()).toEqual({ known: true, active: true, label: "e2e" });
    expect(stored.get("settings")).not.toHaveProperty("accessCode");
    expect(stored.get("settings")).toMatchObject({ theme: "dark" });
    // The next load has nothing to trade.
    calls = [];
    await startSession(await loadSettings());
    expect(calls).toEqual([]);
  });

  it("is removed even when the server refuses it: the user is just signed out", async () => {
    stored.set("settings", { version: 1, accessCode: "old-code" });
    answer(401, { error: true, code: "wrong_access_code", msg: "wrong access code" });
    await startSession(await loadSettings());
    expect(calls).toHaveLength(1);
    expect(session.get().active).toBe(false);
    expect(stored.get("settings")).not.toHaveProperty("accessCode");
  });

  it("stays for the next load when the server cannot be reached at all", async () => {
    stored.set("settings", { version: 1, accessCode: "family" });
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    await startSession(await loadSettings());
    expect(stored.get("settings")).toHaveProperty("accessCode", "family");
  });

  it("is not traded when this browser already has a session, but still removed", async () => {
    stored.set("settings", { version: 1, accessCode: "family" });
    session.set({ known: true, active: true, label: "" });
    answer(200, {});
    await startSession(await loadSettings());
    expect(calls).toEqual([]);
    expect(stored.get("settings")).not.toHaveProperty("accessCode");
  });
});

describe("a fast link's ?code=", () => {
  it("signs in and leaves the address", async () => {
    at("http://chat.test/?code=open-sesame&x=1#/settings");
    answer(200, { ok: true, needCode: true, label: "" });
    expect(await startSession("")).toBeNull();
    expect(calls).toEqual([{ url: "/api/auth", method: "POST", body: { code: "open-sesame" } }]);
    expect(location.href).toBe("http://chat.test/?x=1#/settings");
  });

  it("is read from NextChat's #/?code= too", () => {
    at("http://chat.test/#/?code=abc&settings=1");
    expect(takeLinkCode()).toBe("abc");
    expect(location.href).toBe("http://chat.test/#/?settings=1");
    at("http://chat.test/#/?code=abc");
    expect(takeLinkCode()).toBe("abc");
    expect(location.href).toBe("http://chat.test/#/");
  });

  it("is ignored (but still taken out of the address) with DISABLE_FAST_LINK", async () => {
    serverConfig.update((c) => ({ ...c, disableFastLink: true }));
    at("http://chat.test/?code=open-sesame");
    answer(200, {});
    expect(await startSession("")).toBeNull();
    expect(calls).toEqual([]);
    expect(location.href).toBe("http://chat.test/");
  });

  it("reports why it did not sign in", async () => {
    at("http://chat.test/?code=nope");
    answer(401, { error: true, code: "wrong_access_code", msg: "wrong access code" });
    expect(await startSession("")).toMatchObject({ kind: "wrong_code" });
  });
});
