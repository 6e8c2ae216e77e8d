// Settings -> Usage: today and this month for the signed-in access code,
// each against its limit. Loaded with its own chunk when the settings open;
// hidden unless GET /api/usage answers.
import "./usage.css";
import { useEffect, useState } from "preact/hooks";
import { locale, t } from "../i18n";
import { useStore } from "../lib/store";
import { session } from "../state/session";
import { loadUsage, type Usage } from "../state/usage";
import { resetTime } from "./ErrorNotice";

function Cell({ used, limit, show }: { used: number; limit: number | null; show: (n: number) => string }) {
  return (
    <td>
      {limit === null ? show(used) : t().usageOf(show(used), show(limit))}
      {limit !== null && <progress max={limit} value={Math.min(used, limit)} aria-label={t().usageOf(show(used), show(limit))} />}
    </td>
  );
}

function when(epoch: number | null): string {
  if (!epoch) return "–";
  const [day, time] = resetTime(epoch);
  return day ? `${day} ${time}` : time;
}

export function UsageSection() {
  const { active } = useStore(session);
  const [usage, setUsage] = useState<Usage | null>(null);

  // Again after signing in or out: the numbers are the session's code's.
  useEffect(() => {
    let live = true;
    void loadUsage().then((u) => live && setUsage(u));
    return () => void (live = false);
  }, [active]);

  if (!usage) return null;
  const m = t();
  const lang = locale.get();
  const count = (n: number) => n.toLocaleString(lang);
  const money = (n: number) => {
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: usage.currency, maximumFractionDigits: n && n < 0.01 ? 4 : 2 }).format(n);
    } catch {
      return `${n.toFixed(2)} ${usage.currency}`;
    }
  };
  const { today, month, limits } = usage;

  return (
    <section class="usage-section">
      <h2>{m.usageTitle}</h2>
      <table class="usage-table">
        <thead>
          <tr>
            <td />
            <th scope="col">{m.usageToday}</th>
            <th scope="col">{m.usageMonth}</th>
          </tr>
        </thead>
        <tbody>
          <tr class="usage-requests">
            <th scope="row">{m.usageRequests}</th>
            <Cell used={today.requests} limit={null} show={count} />
            <Cell used={month.requests} limit={null} show={count} />
          </tr>
          <tr class="usage-tokens">
            <th scope="row">{m.usageTokens}</th>
            <Cell used={today.tokens} limit={limits.tokensPerDay} show={count} />
            <Cell used={month.tokens} limit={limits.tokensPerMonth} show={count} />
          </tr>
          <tr class="usage-cost">
            <th scope="row">{m.usageCost}</th>
            <Cell used={today.cost} limit={limits.costPerDay} show={money} />
            <Cell used={month.cost} limit={limits.costPerMonth} show={money} />
          </tr>
          <tr class="usage-resets muted">
            <th scope="row">{m.usageResets}</th>
            <td>{when(usage.resets.day)}</td>
            <td>{when(usage.resets.month)}</td>
          </tr>
        </tbody>
      </table>
      {limits.requestsPerMinute !== null && <p class="hint muted">{m.usagePerMinute(count(limits.requestsPerMinute))}</p>}
      {usage.expires && <p class="hint muted usage-expires">{m.usageExpires(usage.expires.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" }))}</p>}
    </section>
  );
}
