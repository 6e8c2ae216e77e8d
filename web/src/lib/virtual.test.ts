import { describe, expect, it } from "vitest";
import { ESTIMATE, OVERSCAN, windowOf } from "./virtual";

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i) }));

describe("windowOf", () => {
  it("draws only rows near the viewport and keeps the total height", () => {
    const list = rows(2000);
    const heights = new Map(list.map((r) => [r.id, 100]));
    const w = windowOf(list, heights, 50_000, 800);
    // Row 487 spans 48,700-48,800 px: its bottom touches the overscan edge, so it is drawn.
    expect(w.start).toBe(487);
    expect(50_000 - OVERSCAN).toBe(48_800);
    expect(w.end - w.start).toBeLessThan(40);
    expect(w.padTop + (w.end - w.start) * 100 + w.padBottom).toBe(200_000);
  });

  it("uses the estimate for unmeasured rows", () => {
    const w = windowOf(rows(100), new Map(), 0, 800);
    expect(w.start).toBe(0);
    expect(w.padBottom).toBe((100 - w.end) * ESTIMATE);
  });

  it("at the bottom, draws the last rows", () => {
    const list = rows(500);
    const w = windowOf(list, new Map(), 500 * ESTIMATE - 800, 800);
    expect(w.end).toBe(500);
    expect(w.padBottom).toBe(0);
  });
});
