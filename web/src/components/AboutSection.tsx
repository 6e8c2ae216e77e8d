// Settings -> About (version, newer release) and Balance (ENABLE_BALANCE_QUERY).
// Once up to date, nothing asks for attention: no notice, no badge.
import { useEffect, useState } from "preact/hooks";
import { locale, withTexts } from "../i18n";
import { aboutEn } from "../i18n/about.en";
import { aboutZhCN } from "../i18n/about.zh-CN";
import { authHeader } from "../lib/api";
import { useStore } from "../lib/store";
import { formatMoney, loadBalance, loadVersion, USAGE_PAGE, versionInfo, type Balance } from "../state/about";
import { serverConfig } from "../state/serverConfig";
import { session } from "../state/session";
import { settings } from "../state/settings";

// Loaded with the settings page, not with the first screen.
const t = withTexts({ en: aboutEn, "zh-CN": aboutZhCN });

const NOTICE = { padding: "8px 12px", margin: "8px 0", borderLeft: "3px solid var(--accent)", borderRadius: "8px", background: "var(--accent-soft)" };
const NUMBERS = { display: "grid", gridTemplateColumns: "max-content max-content", gap: "2px 16px", margin: "6px 0" };

function ExternalLink({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

function BalanceView({ balance }: { balance: Balance }) {
  const m = t();
  if (balance.supported) {
    const money = (n: number) => formatMoney(n, balance.currency, locale.get());
    return (
      <dl class="balance-numbers" style={NUMBERS}>
        <dt>{m.balanceLimit}</dt>
        <dd style={{ margin: 0 }}>{money(balance.limit)}</dd>
        <dt>{m.balanceUsed}</dt>
        <dd style={{ margin: 0 }}>{money(balance.used)}</dd>
        <dt>{m.balanceRemaining}</dt>
        <dd style={{ margin: 0 }}>
          <strong>{money(balance.remaining)}</strong>
        </dd>
      </dl>
    );
  }
  if (balance.reason === "need_key") return <p class="balance-note muted">{m.balanceNeedKey}</p>;
  if (balance.reason === "upstream_unreachable") return <p class="balance-note muted">{m.balanceUnreachable}</p>;
  return (
    <div class="balance-note">
      <p>
        {m.balanceUnsupported} <ExternalLink href={USAGE_PAGE}>{USAGE_PAGE}</ExternalLink>
      </p>
      {balance.detail && <p class="hint muted">{m.balanceUpstreamSaid(balance.detail)}</p>}
    </div>
  );
}

export function AboutSection() {
  const info = useStore(versionInfo);
  const config = useStore(serverConfig);
  const { apiKey } = useStore(settings);
  const signedIn = useStore(session).active;
  const [balance, setBalance] = useState<Balance | null>(null);

  useEffect(() => void loadVersion(), []);
  useEffect(() => {
    if (!config.balanceQuery) return setBalance(null);
    let live = true;
    void loadBalance(authHeader(apiKey)).then((b) => live && setBalance(b));
    return () => void (live = false);
  }, [signedIn, apiKey, config.balanceQuery]);

  const m = t();
  const current = info?.current || config.version;
  const latest = info?.latest;
  const published = info?.publishedAt ? new Date(info.publishedAt) : null;

  return (
    <>
      <section class="about-section">
        <h2>{m.aboutTitle}</h2>
        {current && (
          <p class="about-current">
            {m.version(current)}
            {latest && <span class="muted"> · {m.aboutLatest(latest)}</span>}
          </p>
        )}
        {info?.updateAvailable && latest ? (
          <div class="update-notice" role="status" style={NOTICE}>
            <strong>{m.aboutUpdateAvailable(latest)}</strong>{" "}
            {published && !Number.isNaN(published.getTime()) && <span class="muted">{m.aboutReleased(published.toLocaleDateString(locale.get()))} </span>}
            {info.releaseUrl && <ExternalLink href={info.releaseUrl}>{m.aboutChangelog}</ExternalLink>}
            {info.docker && <p style={{ margin: "6px 0 0" }}>{m.aboutDockerLag}</p>}
          </div>
        ) : (
          latest && <p class="about-up-to-date">{m.aboutUpToDate}</p>
        )}
        {info?.checkDisabled && <p class="hint muted">{m.aboutCheckDisabled}</p>}
      </section>
      {balance && (
        <section class="balance-section">
          <h2>{m.balanceTitle}</h2>
          <BalanceView balance={balance} />
        </section>
      )}
    </>
  );
}
