import { describe, expect, it } from "vitest";
import { canSendAsIs, fitWithin, MAX_SIDE, sizeSteps, TARGET_BYTES } from "./images";

describe("fitWithin", () => {
  it("scales the longest side down to 1568 px, keeping the aspect ratio", () => {
    expect(fitWithin(3000, 2000)).toEqual({ width: 1568, height: 1045 });
    expect(fitWithin(2000, 3000)).toEqual({ width: 1045, height: 1568 });
    expect(fitWithin(4032, 3024)).toEqual({ width: 1568, height: 1176 });
    expect(fitWithin(1568, 1568)).toEqual({ width: 1568, height: 1568 });
  });

  it("never enlarges, and never goes below one pixel", () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(10000, 2)).toEqual({ width: 1568, height: 1 });
    expect(fitWithin(0, 0)).toEqual({ width: 1, height: 1 });
  });

  it("takes another limit", () => {
    expect(fitWithin(1000, 500, 100)).toEqual({ width: 100, height: 50 });
  });
});

describe("canSendAsIs", () => {
  it("keeps small images in formats every provider takes", () => {
    expect(canSendAsIs("image/png", 200_000, 1200, 800)).toBe(true);
    expect(canSendAsIs("image/jpeg", TARGET_BYTES, MAX_SIDE, 10)).toBe(true);
    expect(canSendAsIs("image/gif", 50_000, 400, 300)).toBe(true);
    expect(canSendAsIs("image/webp", 50_000, 400, 300)).toBe(true);
  });

  it("re-encodes what is too big in bytes or pixels, or in another format", () => {
    expect(canSendAsIs("image/png", 30_000, 3000, 2000)).toBe(false);
    expect(canSendAsIs("image/jpeg", 2_500_000, 1200, 800)).toBe(false);
    expect(canSendAsIs("image/bmp", 50_000, 400, 300)).toBe(false);
    expect(canSendAsIs("image/svg+xml", 5_000, 400, 300)).toBe(false);
  });
});

describe("sizeSteps", () => {
  it("starts at the fitted size and shrinks by a quarter each step", () => {
    const steps = sizeSteps(3000, 2000);
    expect(steps[0]).toEqual({ width: 1568, height: 1045 });
    expect(steps[1]).toEqual({ width: 1176, height: 784 });
    expect(steps).toHaveLength(4);
    for (let i = 1; i < steps.length; i++) expect(steps[i].width).toBeLessThan(steps[i - 1].width);
  });
});
