// Usage per access code per day: hand-drawn stacked SVG bars, with a title,
// a description and a table of the same numbers for screen readers and copying.
import { useState } from "preact/hooks";
import type { AdminMessages } from "../../i18n/admin.en";
import { dayTotals, labelEvery, metricOf, niceScale, stackSeries, type DayUsage, type Metric } from "./chart";

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { top: 10, right: 8, bottom: 26, left: 64 };
const COLOURS = 8;

export interface ChartProps {
  m: AdminMessages;
  days: string[];
  usage: DayUsage[];
  order: string[]; // codes, dearest first: each keeps its colour whichever metric is shown
  codeLabel: (code: string) => string;
  formatCost: (n: number) => string;
  formatNumber: (n: number, compact?: boolean) => string;
}

export function UsageChart({ m, days, usage, order, codeLabel, formatCost, formatNumber }: ChartProps) {
  const [metric, setMetric] = useState<Metric>("cost");
  const series = stackSeries(days, usage, metric, COLOURS, order);
  const totals = dayTotals(series, days.length);
  const { top, ticks } = niceScale(Math.max(0, ...totals));
  const format = (n: number, compact = false) => (metric === "cost" ? formatCost(n) : formatNumber(n, compact));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(days.length, 1);
  const barW = Math.max(1, slot * 0.72);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const every = labelEvery(days.length, plotW);
  const name = (s: { code: string; other: boolean }) => (s.other ? m.adminOther : codeLabel(s.code));
  const metricName = metric === "cost" ? m.adminCost : m.adminTokens;
  const rows = usage.filter((r) => metricOf(r, metric) > 0 || r.requests > 0);

  return (
    <section class="admin-card admin-chart" aria-labelledby="admin-chart-title">
      <div class="admin-card-head">
        <h2 id="admin-chart-title">{m.adminChartTitle}</h2>
        <div class="admin-toggle" role="group" aria-label={m.adminChartShow}>
          {(["cost", "tokens"] as const).map((k) => (
            <button type="button" class="button" aria-pressed={metric === k} onClick={() => setMetric(k)}>
              {k === "cost" ? m.adminShowCost : m.adminShowTokens}
            </button>
          ))}
        </div>
      </div>
      {series.length === 0 ? (
        <p class="muted">{m.adminChartEmpty}</p>
      ) : (
        <>
          <svg
            class="admin-svg"
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            role="img"
            aria-labelledby="admin-chart-svg-title admin-chart-svg-desc"
            data-metric={metric}
          >
            <title id="admin-chart-svg-title">{`${m.adminChartTitle} (${metricName})`}</title>
            <desc id="admin-chart-svg-desc">
              {m.adminChartDesc(metricName, days.length, days[0], days[days.length - 1], series.map(name).join(", "))}
            </desc>
            <g class="admin-grid" aria-hidden="true">
              {ticks.map((v) => (
                <g>
                  <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} />
                  <text x={PAD.left - 6} y={y(v)} text-anchor="end" dominant-baseline="middle">
                    {format(v, true)}
                  </text>
                </g>
              ))}
              {days.map((d, i) =>
                (days.length - 1 - i) % every === 0 ? (
                  <text x={PAD.left + slot * (i + 0.5)} y={HEIGHT - 8} text-anchor="middle">
                    {d.slice(5)}
                  </text>
                ) : null,
              )}
            </g>
            {series.map((s, k) => (
              <g class={`admin-series series-${s.colour}`} data-code={s.other ? undefined : s.code}>
                {s.values.map((v, i) => {
                  if (v <= 0) return null;
                  const below = series.slice(0, k).reduce((a, other) => a + other.values[i], 0);
                  const top0 = y(below + v);
                  return (
                    <rect class="bar" x={PAD.left + slot * i + (slot - barW) / 2} y={top0} width={barW} height={Math.max(y(below) - top0, 0.5)}>
                      <title>{`${days[i]} · ${name(s)}: ${format(v)}`}</title>
                    </rect>
                  );
                })}
              </g>
            ))}
          </svg>
          <ul class="admin-legend">
            {series.map((s) => (
              <li class={`series-${s.colour}`}>
                <span class="swatch" aria-hidden="true" />
                {name(s)}
              </li>
            ))}
          </ul>
        </>
      )}
      {rows.length > 0 && (
        <details class="admin-chart-table">
          <summary>{m.adminAsTable}</summary>
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">{m.adminDay}</th>
                <th scope="col">{m.adminCodeColumn}</th>
                <th scope="col" class="num">
                  {m.adminRequests}
                </th>
                <th scope="col" class="num">
                  {m.adminTokens}
                </th>
                <th scope="col" class="num">
                  {m.adminCost}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{r.day}</td>
                  <td>{codeLabel(r.code)}</td>
                  <td class="num">{formatNumber(r.requests)}</td>
                  <td class="num">{formatNumber(r.promptTokens + r.completionTokens)}</td>
                  <td class="num">{formatCost(r.cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
