// The admin page (/admin): loaded on its own, never with the chat's first screen.
// It holds no secret: the admin code goes to the server once, for an HttpOnly
// cookie, and every number here comes from GET /api/admin/overview.
import "./admin.css";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { locale } from "../../i18n";
import { adminEn, type AdminMessages } from "../../i18n/admin.en";
import { adminZhCN } from "../../i18n/admin.zh-CN";
import { useStore } from "../../lib/store";
import type { DayUsage } from "./chart";
import { UsageChart } from "./UsageChart";

interface Totals {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  tokens: number;
  cost: number;
}

export interface Overview {
  days: string[];
  usage: DayUsage[];
  byCode: { code: string; requests: number; tokens: number; cost: number }[];
  topModels: { model: string; provider: string; requests: number; tokens: number; cost: number }[];
  totals: Totals;
  lockouts: { ip: string; secondsLeft: number }[];
  failures: { ip: string; at: number; hash: string }[];
  keys: { provider: string; key: string; secondsLeft: number; reason: string }[];
  currency: string;
}

type View =
  | { kind: "loading" }
  | { kind: "closed" }
  | { kind: "login"; error?: string }
  | { kind: "failed"; error: string }
  | { kind: "ready"; data: Overview; at: Date };

const JSON_HEADERS = { "Content-Type": "application/json" };

function messages(): AdminMessages {
  return locale.get() === "zh-CN" ? adminZhCN : adminEn;
}

function duration(m: AdminMessages, seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return m.adminSeconds(s);
  if (s < 3600) return m.adminMinutes(Math.ceil(s / 60));
  const minutes = Math.ceil(s / 60);
  return m.adminHours(Math.floor(minutes / 60), minutes % 60);
}

async function detail(res: Response): Promise<string> {
  const body = await res.json().catch(() => null);
  return body && typeof body.msg === "string" ? body.msg : `HTTP ${res.status}`;
}

export function AdminPage() {
  const lang = useStore(locale);
  const m = messages();
  const [view, setView] = useState<View>({ kind: "loading" });
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState("");

  const money = (currency: string) =>
    new Intl.NumberFormat(lang, { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 4 });
  const plain = new Intl.NumberFormat(lang);
  const compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
  const formatNumber = (n: number, short = false) => (short ? compact : plain).format(n);
  const codeLabel = (code: string) => code || m.adminNoCode;
  const when = (at: number) => new Date(at * 1000).toLocaleString(lang);

  async function load(): Promise<void> {
    setBusy(true);
    try {
      const res = await fetch("/api/admin/overview?days=30", { cache: "no-store" });
      if (res.status === 401) setView({ kind: "login" });
      else if (res.status === 404) setView({ kind: "closed" });
      else if (!res.ok) setView({ kind: "failed", error: await detail(res) });
      else setView({ kind: "ready", data: (await res.json()) as Overview, at: new Date() });
    } catch (e) {
      setView({ kind: "failed", error: String(e) });
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    document.title = `${m.adminTitle} · chatnext`;
    void load();
  }, []);

  async function signIn(code: string): Promise<void> {
    setBusy(true);
    try {
      const res = await fetch("/api/admin/auth", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ code }) });
      if (res.ok) return void (await load());
      if (res.status === 429) {
        const wait = Number(res.headers.get("Retry-After") ?? "0");
        setView({ kind: "login", error: m.adminLocked(duration(m, wait)) });
      } else if (res.status === 401) setView({ kind: "login", error: m.adminWrongCode });
      else setView({ kind: "login", error: m.adminFailed(await detail(res)) });
    } catch (e) {
      setView({ kind: "login", error: m.adminFailed(String(e)) });
    } finally {
      setBusy(false);
    }
  }

  async function signOut(): Promise<void> {
    await fetch("/api/admin/auth", { method: "DELETE" }).catch(() => undefined);
    setNote("");
    setView({ kind: "login" });
  }

  async function unlock(ip: string): Promise<void> {
    setBusy(true);
    try {
      const res = await fetch("/api/admin/unlock", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ ip }) });
      if (res.status === 401) return setView({ kind: "login" });
      setNote(res.ok ? m.adminUnlocked(ip) : m.adminFailed(await detail(res)));
    } catch (e) {
      setNote(m.adminFailed(String(e)));
    } finally {
      setBusy(false);
    }
    await load();
  }

  const ready = view.kind === "ready";
  return (
    <main class="admin-page" aria-busy={busy}>
      <header class="admin-head">
        <h1>{m.adminTitle}</h1>
        <div class="admin-actions">
          {ready && (
            <>
              <span class="muted admin-updated">{m.adminUpdated(view.at.toLocaleTimeString(lang))}</span>
              <button type="button" class="button" onClick={() => void load()} disabled={busy}>
                {m.adminRefresh}
              </button>
              <button type="button" class="button" onClick={() => void signOut()}>
                {m.adminSignOut}
              </button>
            </>
          )}
          <a class="button" href="/">
            {m.adminBackToChat}
          </a>
        </div>
      </header>
      <div class="admin-body">
        {view.kind === "loading" && <p class="muted">{m.adminLoading}</p>}
        {view.kind === "closed" && <p>{m.adminClosed}</p>}
        {view.kind === "failed" && (
          <p class="admin-error" role="alert">
            {m.adminFailed(view.error)}
          </p>
        )}
        {view.kind === "login" && <Login m={m} error={view.error} busy={busy} onSubmit={(code) => void signIn(code)} />}
        {view.kind === "ready" && (
          <Dashboard
            m={m}
            data={view.data}
            note={note}
            busy={busy}
            onUnlock={(ip) => void unlock(ip)}
            formatCost={(n) => money(view.data.currency).format(n)}
            formatNumber={formatNumber}
            codeLabel={codeLabel}
            when={when}
            duration={(s) => duration(m, s)}
          />
        )}
      </div>
    </main>
  );
}

function Login({ m, error, busy, onSubmit }: { m: AdminMessages; error?: string; busy: boolean; onSubmit: (code: string) => void }) {
  const [code, setCode] = useState("");
  return (
    <form
      class="admin-card admin-login"
      onSubmit={(e) => {
        e.preventDefault();
        if (code.trim()) onSubmit(code.trim());
      }}
    >
      <p>{m.adminLoginIntro}</p>
      <label for="adminCode">{m.adminCode}</label>
      <div class="admin-login-row">
        <input
          id="adminCode"
          type="password"
          autocomplete="current-password"
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "adminCodeError" : undefined}
          autofocus
        />
        <button type="submit" class="button primary" disabled={busy || !code.trim()}>
          {m.adminSignIn}
        </button>
      </div>
      {error && (
        <p class="admin-error" id="adminCodeError" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

interface DashboardProps {
  m: AdminMessages;
  data: Overview;
  note: string;
  busy: boolean;
  onUnlock: (ip: string) => void;
  formatCost: (n: number) => string;
  formatNumber: (n: number, compact?: boolean) => string;
  codeLabel: (code: string) => string;
  when: (at: number) => string;
  duration: (seconds: number) => string;
}

function Card({ id, title, note, children }: { id: string; title: string; note?: string; children: ComponentChildren }) {
  return (
    <section class={`admin-card admin-${id}`} aria-labelledby={`admin-${id}-title`}>
      <h2 id={`admin-${id}-title`}>{title}</h2>
      {note && <p class="muted admin-note">{note}</p>}
      {children}
    </section>
  );
}

function Table({ head, numeric = [], children }: { head: string[]; numeric?: number[]; children: ComponentChildren }) {
  return (
    <div class="admin-table-wrap">
      <table class="admin-table">
        <thead>
          <tr>
            {head.map((h, i) => (
              <th scope="col" class={numeric.includes(i) ? "num" : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function Dashboard({ m, data, note, busy, onUnlock, formatCost, formatNumber, codeLabel, when, duration }: DashboardProps) {
  const t = data.totals;
  const reasons: Record<string, string> = {
    unauthorized: m.adminReasonUnauthorized,
    quota: m.adminReasonQuota,
    rate_limited: m.adminReasonRateLimited,
  };
  return (
    <>
      {note && (
        <p class="admin-note-live" role="status">
          {note}
        </p>
      )}
      <Card id="totals" title={m.adminTotalsTitle(data.days.length)} note={m.adminCostNote}>
        <dl class="admin-figures">
          <div>
            <dt>{m.adminCost}</dt>
            <dd class="admin-total-cost">{formatCost(t.cost)}</dd>
          </div>
          <div>
            <dt>{m.adminRequests}</dt>
            <dd>{formatNumber(t.requests)}</dd>
          </div>
          <div>
            <dt>{m.adminTokens}</dt>
            <dd>{formatNumber(t.tokens)}</dd>
          </div>
          <div>
            <dt>{m.adminErrors}</dt>
            <dd>{formatNumber(t.errors)}</dd>
          </div>
        </dl>
      </Card>

      <UsageChart
        m={m}
        days={data.days}
        usage={data.usage}
        order={data.byCode.map((c) => c.code)}
        codeLabel={codeLabel} formatCost={formatCost} formatNumber={formatNumber} />

      <div class="admin-columns">
        <Card id="codes" title={m.adminByCodeTitle}>
          {data.byCode.length === 0 ? (
            <p class="muted">{m.adminNone}</p>
          ) : (
            <Table head={[m.adminCodeColumn, m.adminRequests, m.adminTokens, m.adminCost]} numeric={[1, 2, 3]}>
              {data.byCode.map((c) => (
                <tr>
                  <td>{codeLabel(c.code)}</td>
                  <td class="num">{formatNumber(c.requests)}</td>
                  <td class="num">{formatNumber(c.tokens)}</td>
                  <td class="num">{formatCost(c.cost)}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>

        <Card id="models" title={m.adminTopModelsTitle}>
          {data.topModels.length === 0 ? (
            <p class="muted">{m.adminNone}</p>
          ) : (
            <Table head={[m.adminModel, m.adminProvider, m.adminRequests, m.adminTokens, m.adminCost]} numeric={[2, 3, 4]}>
              {data.topModels.map((row) => (
                <tr>
                  <td class="admin-mono">{row.model}</td>
                  <td>{row.provider}</td>
                  <td class="num">{formatNumber(row.requests)}</td>
                  <td class="num">{formatNumber(row.tokens)}</td>
                  <td class="num">{formatCost(row.cost)}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>

      <Card id="lockouts" title={m.adminLockoutsTitle}>
        {data.lockouts.length === 0 ? (
          <p class="muted">{m.adminNoLockouts}</p>
        ) : (
          <Table head={[m.adminAddress, m.adminTimeLeft, ""]}>
            {data.lockouts.map((lock) => (
              <tr>
                <td class="admin-mono">{lock.ip}</td>
                <td>{duration(lock.secondsLeft)}</td>
                <td class="admin-row-action">
                  <button type="button" class="button danger" disabled={busy} aria-label={m.adminUnlockIp(lock.ip)} onClick={() => onUnlock(lock.ip)}>
                    {m.adminUnlock}
                  </button>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>

      <div class="admin-columns">
        <Card id="failures" title={m.adminFailuresTitle} note={data.failures.length ? m.adminHashNote : undefined}>
          {data.failures.length === 0 ? (
            <p class="muted">{m.adminNoFailures}</p>
          ) : (
            <Table head={[m.adminTime, m.adminAddress, m.adminHash]}>
              {data.failures.map((f) => (
                <tr>
                  <td>
                    <time dateTime={new Date(f.at * 1000).toISOString()}>{when(f.at)}</time>
                  </td>
                  <td class="admin-mono">{f.ip}</td>
                  <td class="admin-mono">{f.hash}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>

        <Card id="keys" title={m.adminKeysTitle} note={m.adminKeysNote}>
          {data.keys.length === 0 ? (
            <p class="muted">{m.adminNoKeys}</p>
          ) : (
            <Table head={[m.adminProvider, m.adminKey, m.adminReason, m.adminTimeLeft]}>
              {data.keys.map((k) => (
                <tr>
                  <td>{k.provider}</td>
                  <td class="admin-mono">{k.key}</td>
                  <td>{reasons[k.reason] ?? k.reason}</td>
                  <td>{duration(k.secondsLeft)}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
