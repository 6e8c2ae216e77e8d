import { locale, t } from "../i18n";
import type { ChatError } from "../lib/api";
import { serverConfig } from "../state/serverConfig";
import { go } from "../state/ui";

function wait(seconds: number): string {
  return seconds >= 90 ? t().minutes(Math.ceil(seconds / 60)) : t().seconds(Math.ceil(seconds));
}

/** When a limit resets, in the user's own time: the day ("" for today) and the time. */
export function resetTime(epochSeconds: number, now = new Date()): [string, string] {
  const at = new Date(epochSeconds * 1000);
  const lang = locale.get();
  const time = at.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  return [at.toDateString() === now.toDateString() ? "" : at.toLocaleDateString(lang, { month: "short", day: "numeric" }), time];
}

/** One of an access code's limits is used up: which, its value, and when it resets. */
function limitText(e: ChatError): string {
  const m = t();
  const lang = locale.get();
  const v = e.limitValue;
  let what = m.limitOther;
  if (v !== undefined && e.limit) {
    const count = v.toLocaleString(lang);
    const money = new Intl.NumberFormat(lang, { style: "currency", currency: e.currency ?? "USD" }).format(v);
    what = {
      requests_per_minute: m.limitRequestsPerMinute(count),
      tokens_per_day: m.limitTokensPerDay(count),
      tokens_per_month: m.limitTokensPerMonth(count),
      cost_per_day: m.limitCostPerDay(money),
      cost_per_month: m.limitCostPerMonth(money),
    }[e.limit];
  }
  // A per-minute limit is over in seconds: say how long; a budget resets at a time of day.
  let when = "";
  if (e.resetAt && e.limit !== "requests_per_minute") when = m.resetsAt(...resetTime(e.resetAt));
  else {
    const left = e.retryAfter ?? (e.resetAt ? e.resetAt - Date.now() / 1000 : 0);
    if (left > 0) when = m.limitTryIn(wait(left));
  }
  return m.limitAndWhen(what, when);
}

export function errorHeadline(e: ChatError): string {
  const m = t();
  switch (e.kind) {
    case "unauthorized":
      return m.errorUnauthorized;
    case "wrong_code":
      return m.errorWrongCode;
    case "locked":
      return m.errorLocked(wait(e.retryAfter ?? 600));
    case "code_expired":
      return m.errorCodeExpired;
    case "session_expired":
      return m.errorSessionExpired;
    case "limit":
      return limitText(e);
    case "own_key_forbidden":
      return m.errorOwnKeyForbidden;
    case "missing_key":
      // Where users may not bring a key, sending them to the key field would be a dead end.
      return serverConfig.get().hideUserApiKey ? m.errorMissingKeyHidden : m.errorMissingKey;
    case "quota":
      return m.errorQuota;
    case "rate_limited":
      return m.errorRateLimited;
    case "model_not_allowed":
      return m.errorModelNotAllowed;
    case "too_large":
      return m.errorTooLarge;
    case "network":
      return m.errorNetwork;
    case "upstream_unreachable":
      return m.errorUpstreamUnreachable;
    case "timeout":
      return m.errorTimeout;
    case "stream_broken":
      return m.errorStreamBroken;
    default:
      return m.errorGeneric;
  }
}

/** An error inside the conversation: what happened, the upstream's words, the way out. */
export function ErrorNotice({ error }: { error: ChatError }) {
  const needsCode = ["unauthorized", "wrong_code", "session_expired", "code_expired"].includes(error.kind);
  const ownKeyHidden = serverConfig.get().hideUserApiKey;
  const needsSettings =
    (error.kind === "missing_key" && !ownKeyHidden) || error.kind === "model_not_allowed" || error.kind === "own_key_forbidden";
  return (
    <div class="error-notice" role="alert">
      <p class="error-headline">{errorHeadline(error)}</p>
      {error.message && (
        <p class="error-detail">
          <span class="muted">{t().errorDetail}: </span>
          <code>{error.message}</code>
          {error.status > 0 && <span class="muted"> (HTTP {error.status})</span>}
        </p>
      )}
      {needsCode && (
        <button type="button" class="button primary" onClick={() => go("settings", "accessCode")}>
          {t().openAccessCode}
        </button>
      )}
      {needsSettings && (
        <button type="button" class="button" onClick={() => go("settings", error.kind === "model_not_allowed" ? "model" : "apiKey")}>
          {t().settings}
        </button>
      )}
    </div>
  );
}
