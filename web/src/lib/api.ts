// Talking to the chat endpoint: the request a conversation becomes, and
// every failure turned into one ChatError the conversation can show.

export type ErrorKind =
  | "unauthorized"
  | "wrong_code"
  | "locked"
  | "code_expired"
  | "session_expired"
  | "limit"
  | "own_key_forbidden"
  | "missing_key"
  | "quota"
  | "rate_limited"
  | "model_not_allowed"
  | "too_large"
  | "network"
  | "upstream_unreachable"
  | "timeout"
  | "stream_broken"
  | "generic";

export interface ChatError {
  kind: ErrorKind;
  status: number;
  code: string;
  message: string; // the server's or upstream's own words, shown as detail
  retryAfter?: number; // seconds
  // limit_exceeded: which of the code's limits, its value, and when it resets (epoch seconds).
  limit?: LimitName;
  limitValue?: number;
  resetAt?: number;
  currency?: string; // of a cost limit: the server's pricing table's
}

export type LimitName = "requests_per_minute" | "tokens_per_day" | "tokens_per_month" | "cost_per_day" | "cost_per_month";
const LIMITS: LimitName[] = ["requests_per_minute", "tokens_per_day", "tokens_per_month", "cost_per_day", "cost_per_month"];

const BY_CODE: Record<string, ErrorKind> = {
  empty_access_code: "unauthorized",
  wrong_access_code: "wrong_code",
  access_locked: "locked",
  code_expired: "code_expired",
  session_expired: "session_expired",
  limit_exceeded: "limit",
  user_api_key_forbidden: "own_key_forbidden",
  missing_api_key: "missing_key",
  insufficient_quota: "quota",
  rate_limit_exceeded: "rate_limited",
  model_not_allowed: "model_not_allowed",
  body_too_large: "too_large",
  upstream_unreachable: "upstream_unreachable",
  upstream_disconnected: "upstream_unreachable",
  upstream_timeout: "timeout",
  upstream_stream_broken: "stream_broken",
  stream_incomplete: "stream_broken",
};

/** chatnext's `{error: true, code, msg}` or an upstream's `{error: {message, code, type}}`. */
export function classify(status: number, body: unknown, retryAfter?: number): ChatError {
  let code = "";
  let message = "";
  let fields: Record<string, unknown> = {};
  if (body && typeof body === "object") {
    const b = body as Record<string, any>;
    if (b.error === true) {
      code = String(b.code ?? "");
      message = String(b.msg ?? b.message ?? "");
      fields = b;
    } else if (b.error && typeof b.error === "object") {
      code = String(b.error.code ?? b.error.type ?? "");
      message = String(b.error.message ?? "");
      fields = b.error;
    } else if (typeof b.error === "string") {
      message = b.error;
    }
  } else if (typeof body === "string") {
    message = body.slice(0, 500);
  }
  let kind: ErrorKind = BY_CODE[code] ?? "generic";
  if (kind === "generic") {
    if (/exceeded your current quota|insufficient_quota/i.test(message)) kind = "quota";
    else if (status === 401) kind = "unauthorized";
    else if (status === 429) kind = "rate_limited";
    else if (status === 413) kind = "too_large";
    else if (status === 504) kind = "timeout";
  }
  const error: ChatError = { kind, status, code, message, retryAfter };
  if (kind === "limit") {
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
    if (LIMITS.includes(fields.limit as LimitName)) error.limit = fields.limit as LimitName;
    error.limitValue = num(fields.limitValue);
    error.resetAt = num(fields.resetAt);
    if (typeof fields.currency === "string" && /^[A-Z]{3}$/.test(fields.currency)) error.currency = fields.currency;
  }
  return error;
}

export async function errorFromResponse(res: Response): Promise<ChatError> {
  const text = await res.text().catch(() => "");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const retry = Number(res.headers.get("Retry-After"));
  return classify(res.status, body, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

export type ContentPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string | ContentPart[];
}

/** A question's content: plain text, or OpenAI content parts when it carries images (data URLs). */
export function userContent(text: string, images?: string[]): string | ContentPart[] {
  if (!images?.length) return text;
  const parts: ContentPart[] = text ? [{ type: "text", text }] : [];
  return [...parts, ...images.map((url): ContentPart => ({ type: "image_url", image_url: { url } }))];
}

export interface RequestOptions {
  model: string;
  temperature: number;
  topP: number;
  maxTokens: number;
  presencePenalty: number;
  frequencyPenalty: number;
}

/** Reasoning models take max_completion_tokens and refuse sampling knobs. */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model.split("@")[0].split("/").pop() ?? "");
}

export function chatBody(messages: ChatMessage[], o: RequestOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: o.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (isReasoningModel(o.model)) {
    if (o.maxTokens > 0) body.max_completion_tokens = o.maxTokens;
    return body;
  }
  Object.assign(body, {
    temperature: o.temperature,
    top_p: o.topP,
    presence_penalty: o.presencePenalty,
    frequency_penalty: o.frequencyPenalty,
  });
  if (o.maxTokens > 0) body.max_tokens = o.maxTokens;
  return body;
}

export function fillTemplate(template: string, input: string, vars: { model: string; lang: string; time: string }): string {
  const t = template.includes("{{input}}") ? template : `${template}\n{{input}}`;
  return t
    .replaceAll("{{time}}", vars.time)
    .replaceAll("{{model}}", vars.model)
    .replaceAll("{{lang}}", vars.lang)
    .replaceAll("{{input}}", input);
}

/**
 * The user's own API key, when there is one. An access code is never sent
 * from the page: it was traded for an HttpOnly session cookie, which
 * same-origin requests carry by themselves (fetch's default credentials).
 */
export function authHeader(apiKey: string): Record<string, string> {
  return apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
}

/** Where the chat request goes: this server, or the user's own endpoint with their own key. */
export function chatUrl(endpoint: string, apiKey: string): string {
  if (apiKey && endpoint) {
    const base = endpoint.replace(/\/+$/, "").replace(/\/v1$/, "");
    return `${base}/v1/chat/completions`;
  }
  return "/api/openai/v1/chat/completions";
}

/** One non-streamed completion (titles, summaries); the text, or a ChatError thrown. */
export async function completeOnce(url: string, headers: Record<string, string>, body: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ ...body, stream: false, stream_options: undefined }),
    signal,
  });
  if (!res.ok) throw await errorFromResponse(res);
  const json = await res.json();
  const text = json?.choices?.[0]?.message?.content;
  return typeof text === "string" ? text : "";
}
