// The numbers behind the admin page's usage chart: no DOM here, so vitest checks them.

export interface DayUsage {
  day: string;
  code: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cost: number;
}

export type Metric = "cost" | "tokens";

export interface Series {
  code: string; // "" is the code-less traffic (own keys, an open server)
  other: boolean; // the codes past the first few, summed
  colour: number; // 0 .. maxSeries - 1
  values: number[]; // one per day
}

export function metricOf(row: DayUsage, metric: Metric): number {
  return metric === "cost" ? row.cost : row.promptTokens + row.completionTokens;
}

/**
 * One series per code, in `order` (codes not in it after, biggest first);
 * codes past `maxSeries - 1` are summed into one "other" series so the
 * colours stay few and tell apart. A code keeps its colour whichever metric
 * is shown, as long as `order` stays the same.
 */
export function stackSeries(days: string[], usage: DayUsage[], metric: Metric, maxSeries = 8, order: string[] = []): Series[] {
  const index = new Map(days.map((d, i) => [d, i]));
  const byCode = new Map<string, number[]>();
  for (const row of usage) {
    const i = index.get(row.day);
    if (i === undefined) continue;
    let values = byCode.get(row.code);
    if (!values) byCode.set(row.code, (values = days.map(() => 0)));
    values[i] += metricOf(row, metric);
  }
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const rank = (code: string) => (order.includes(code) ? order.indexOf(code) : order.length);
  const ranked = [...byCode.entries()].sort(
    (a, b) => rank(a[0]) - rank(b[0]) || sum(b[1]) - sum(a[1]) || a[0].localeCompare(b[0]),
  );
  const keep = ranked.length > maxSeries ? maxSeries - 1 : ranked.length;
  const series: Series[] = ranked.slice(0, keep).map(([code, values], colour) => ({ code, other: false, colour, values }));
  if (ranked.length > keep) {
    const values = days.map((_, i) => ranked.slice(keep).reduce((a, [, v]) => a + v[i], 0));
    series.push({ code: "", other: true, colour: keep, values });
  }
  return series.filter((s) => sum(s.values) > 0);
}

/** Day totals of stacked series. */
export function dayTotals(series: Series[], days: number): number[] {
  return Array.from({ length: days }, (_, i) => series.reduce((a, s) => a + s.values[i], 0));
}

/** A round top for the axis and its evenly spaced ticks (0 included), at most about five. */
export function niceScale(max: number): { top: number; ticks: number[] } {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= rough) ?? 10 * power;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { top: ticks[ticks.length - 1], ticks };
}

/** Which day labels fit under the bars: every nth, always the last. */
export function labelEvery(days: number, width: number, labelWidth = 44): number {
  return Math.max(1, Math.ceil((days * labelWidth) / width));
}
