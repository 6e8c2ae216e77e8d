import { describe, expect, it } from "vitest";
import { dayTotals, labelEvery, niceScale, stackSeries, type DayUsage } from "./chart";

const row = (day: string, code: string, cost: number, tokens = 0): DayUsage => ({
  day,
  code,
  requests: 1,
  errors: 0,
  promptTokens: tokens,
  completionTokens: 0,
  cost,
});

describe("stackSeries", () => {
  const days = ["2025-01-01", "2025-01-02", "2025-01-03"];

  it("puts each code's values on its days, biggest code first", () => {
    const usage = [row("2025-01-01", "a", 1, 10), row("2025-01-03", "b", 5, 2), row("2025-01-03", "a", 1, 10)];
    expect(stackSeries(days, usage, "cost")).toEqual([
      { code: "b", other: false, colour: 0, values: [0, 0, 5] },
      { code: "a", other: false, colour: 1, values: [1, 0, 1] },
    ]);
    expect(stackSeries(days, usage, "tokens").map((s) => s.code)).toEqual(["a", "b"]);
  });

  it("keeps each code's colour across metrics when given the order", () => {
    const usage = [row("2025-01-01", "a", 0, 10), row("2025-01-02", "b", 5, 2), row("2025-01-02", "c", 1, 0)];
    const colours = (metric: "cost" | "tokens") =>
      stackSeries(days, usage, metric, 8, ["b", "c", "a"]).map((s) => [s.code, s.colour]);
    expect(colours("cost")).toEqual([
      ["b", 0],
      ["c", 1],
    ]);
    expect(colours("tokens")).toEqual([
      ["b", 0],
      ["a", 2],
    ]);
  });

  it("sums the codes past the limit into one other series", () => {
    const usage = ["a", "b", "c", "d"].map((code, i) => row("2025-01-02", code, 10 - i));
    const series = stackSeries(days, usage, "cost", 3);
    expect(series.map((s) => [s.code, s.other])).toEqual([
      ["a", false],
      ["b", false],
      ["", true],
    ]);
    expect(series[2].values).toEqual([0, 15, 0]);
    expect(dayTotals(series, 3)).toEqual([0, 34, 0]);
  });

  it("leaves out days outside the window and codes with nothing", () => {
    expect(stackSeries(days, [row("2024-12-31", "a", 3), row("2025-01-01", "z", 0)], "cost")).toEqual([]);
  });
});

describe("niceScale", () => {
  it("rounds the top up to a round step", () => {
    expect(niceScale(0.76)).toEqual({ top: 0.8, ticks: [0, 0.2, 0.4, 0.6, 0.8] });
    expect(niceScale(4000).ticks).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(niceScale(4001)).toEqual({ top: 6000, ticks: [0, 2000, 4000, 6000] });
    expect(niceScale(0)).toEqual({ top: 1, ticks: [0, 1] });
  });

  it("never gives more than six ticks", () => {
    for (const max of [1, 3, 7, 9.99, 12, 99, 123456, 0.003]) {
      const { top, ticks } = niceScale(max);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
    }
  });
});

it("labels fewer days as they crowd", () => {
  expect(labelEvery(7, 600)).toBe(1);
  expect(labelEvery(30, 600)).toBe(3);
});
