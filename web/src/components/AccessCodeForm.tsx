// Settings -> Access: sign in with the access code (traded at /api/auth for
// an HttpOnly session cookie; the page keeps no copy), or sign out.
import { useState } from "preact/hooks";
import { t } from "../i18n";
import type { ChatError } from "../lib/api";
import { useStore } from "../lib/store";
import { session } from "../state/session";
import { signIn, signOut } from "../state/signin";
import { errorHeadline } from "./ErrorNotice";

export function AccessCodeForm() {
  const state = useStore(session);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ChatError | null>(null);
  const m = t();

  if (state.active) {
    return (
      <div class="field signed-in">
        <p role="status">{state.label ? m.signedInAs(state.label) : m.signedIn}</p>
        <div class="danger-row">
          <button type="button" class="button" id="signOut" onClick={() => void signOut()}>
            {m.signOut}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form
      class="field login-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!code.trim() || busy) return;
        setBusy(true);
        setError(null);
        const failed = await signIn(code);
        setBusy(false);
        setError(failed);
        if (!failed) setCode("");
      }}
    >
      <label for="accessCode">{m.accessCode}</label>
      <div class="login-row">
        <input
          id="accessCode"
          type="password"
          autocomplete="current-password"
          value={code}
          aria-describedby="accessCode-hint"
          aria-invalid={error ? true : undefined}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button type="submit" class="button primary" disabled={busy || !code.trim()}>
          {m.signIn}
        </button>
      </div>
      <p class="hint muted" id="accessCode-hint">
        {m.accessCodeHint}
        <br />
        {m.signInHint}
      </p>
      {error && (
        <p class="login-error" role="alert">
          {errorHeadline(error)}
        </p>
      )}
    </form>
  );
}
