// /api/version and /api/balance, read for the settings page. Both are
// informative: any failure leaves the section quiet, never an error banner.
import { Store } from "../lib/store";

export interface VersionInfo {
  current: string;
  latest: string | null;
  updateAvailable: boolean;
  releaseUrl: string | null;
  publishedAt: string | null;
  docker: boolean;
  checkDisabled: boolean;
}

export type Balance =
  | { supported: true; limit: number; used: number; remaining: number; currency: string }
  // reason: the server's code, or "need_key" when this server wants a code or key first.
  | { supported: false; reason: string; detail: string };

export const USAGE_PAGE = "https://platform.openai.com/usage";

export const versionInfo = new Store<VersionInfo | null>(null);

const text = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function readVersion(j: unknown): VersionInfo | null {
  if (!j || typeof j !== "object") return null;
  const o = j as Record<string, unknown>;
  const current = text(o.current);
  if (!current) return null;
  const url = text(o.releaseUrl);
  return {
    current,
    latest: text(o.latest),
    updateAvailable: o.updateAvailable === true,
    // Rendered as a link: web addresses only.
    releaseUrl: url && /^https?:\/\//i.test(url) ? url : null,
    publishedAt: text(o.publishedAt),
    docker: o.docker === true,
    checkDisabled: o.checkDisabled === true,
  };
}

/** What the page shows for one /api/balance answer; null hides the balance. */
export function readBalance(status: number, j: unknown): Balance | null {
  const o = (j && typeof j === "object" ? j : {}) as Record<string, unknown>;
  if (status === 401) return { supported: false, reason: "need_key", detail: "" };
  if (status !== 200) return null;
  if (o.supported === true) {
    const [limit, used, remaining] = [num(o.limit), num(o.used), num(o.remaining)];
    if (limit === null || used === null || remaining === null) return null;
    return { supported: true, limit, used, remaining, currency: text(o.currency) ?? "USD" };
  }
  const reason = text(o.reason) ?? "unsupported";
  return { supported: false, reason: reason === "missing_api_key" ? "need_key" : reason, detail: text(o.detail) ?? "" };
}

export async function loadVersion(): Promise<void> {
  try {
    const res = await fetch("/api/version");
    if (res.ok) versionInfo.set(readVersion(await res.json()) ?? versionInfo.get());
  } catch {
    // Offline: the section shows the version /api/config gave.
  }
}

export async function loadBalance(headers: Record<string, string>): Promise<Balance | null> {
  try {
    const res = await fetch("/api/balance", { headers });
    return readBalance(res.status, await res.json().catch(() => null));
  } catch {
    return { supported: false, reason: "upstream_unreachable", detail: "" };
  }
}

export function formatMoney(amount: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
