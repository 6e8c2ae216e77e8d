// GET /api/usage: what the signed-in access code (or this open server) has
// used today and this month, against its limits. Informative only: any
// failure, or a server without the endpoint, hides the section.

export interface UsagePeriod {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  tokens: number;
  cost: number;
}

export interface UsageLimits {
  requestsPerMinute: number | null;
  tokensPerDay: number | null;
  tokensPerMonth: number | null;
  costPerDay: number | null;
  costPerMonth: number | null;
}

export interface Usage {
  label: string;
  today: UsagePeriod;
  month: UsagePeriod;
  limits: UsageLimits;
  resets: { day: number | null; month: number | null }; // epoch seconds
  currency: string;
  expires: Date | null;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === "object" ? (v as Raw) : {});
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
// A limit is a positive number; 0, null or anything else means none.
const limit = (v: unknown): number | null => {
  const n = num(v);
  return n !== null && n > 0 ? n : null;
};

function period(v: unknown): UsagePeriod {
  const o = obj(v);
  const [prompt, completion] = [num(o.promptTokens) ?? 0, num(o.completionTokens) ?? 0];
  return { requests: num(o.requests) ?? 0, promptTokens: prompt, completionTokens: completion, tokens: num(o.tokens) ?? prompt + completion, cost: num(o.cost) ?? 0 };
}

/** One /api/usage answer -> what the section shows; null hides it. */
export function readUsage(status: number, json: unknown): Usage | null {
  if (status !== 200 || !json || typeof json !== "object") return null;
  const o = json as Raw;
  if (!o.today || typeof o.today !== "object") return null;
  const l = obj(o.limits);
  const r = obj(o.resets);
  const expires = typeof o.expires === "string" ? new Date(o.expires) : null;
  return {
    label: typeof o.label === "string" ? o.label : "",
    today: period(o.today),
    month: period(o.month),
    limits: {
      requestsPerMinute: limit(l.requestsPerMinute),
      tokensPerDay: limit(l.tokensPerDay),
      tokensPerMonth: limit(l.tokensPerMonth),
      costPerDay: limit(l.costPerDay),
      costPerMonth: limit(l.costPerMonth),
    },
    resets: { day: num(r.day), month: num(r.month) },
    currency: typeof o.currency === "string" && /^[A-Z]{3}$/.test(o.currency) ? o.currency : "USD",
    expires: expires && !Number.isNaN(expires.getTime()) ? expires : null,
  };
}

export async function loadUsage(): Promise<Usage | null> {
  try {
    const res = await fetch("/api/usage", { cache: "no-store" });
    return readUsage(res.status, await res.json().catch(() => null));
  } catch {
    return null;
  }
}
