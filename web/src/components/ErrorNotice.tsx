import { t } from "../i18n";
import type { ChatError } from "../lib/api";
import { go } from "../state/ui";

function wait(seconds: number): string {
  return seconds >= 90 ? t().minutes(Math.ceil(seconds / 60)) : t().seconds(Math.ceil(seconds));
}

function headline(e: ChatError): string {
  const m = t();
  switch (e.kind) {
    case "unauthorized":
      return m.errorUnauthorized;
    case "wrong_code":
      return m.errorWrongCode;
    case "locked":
      return m.errorLocked(wait(e.retryAfter ?? 600));
    case "own_key_forbidden":
      return m.errorOwnKeyForbidden;
    case "missing_key":
      return m.errorMissingKey;
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
  const needsCode = error.kind === "unauthorized" || error.kind === "wrong_code";
  const needsSettings = error.kind === "missing_key" || error.kind === "model_not_allowed" || error.kind === "own_key_forbidden";
  return (
    <div class="error-notice" role="alert">
      <p class="error-headline">{headline(error)}</p>
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
