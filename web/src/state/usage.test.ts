import { describe, expect, it } from "vitest";
import { readUsage } from "./usage";

const ANSWER = {
  label: "e2e",
  today: { requests: 3, promptTokens: 120, completionTokens: 30, tokens: 150, cost: 0.0012 },
  month: { requests: 40, promptTokens: 9000, completionTokens: 1000, tokens: 10000, cost: 0.5 },
  limits: { requestsPerMinute: 2, tokensPerDay: 200000, tokensPerMonth: null, costPerDay: null, costPerMonth: 20 },
  resets: { day: 1767225600, month: 1769904000 },
  currency: "USD",
  expires: "2027-01-01T00:00:00Z",
};

describe("readUsage", () => {
  it("reads the /api/usage answer", () => {
    const u = readUsage(200, ANSWER)!;
    expect(u.label).toBe("e2e");
    expect(u.today).toEqual(ANSWER.today);
    expect(u.limits).toEqual({ requestsPerMinute: 2, tokensPerDay: 200000, tokensPerMonth: null, costPerDay: null, costPerMonth: 20 });
    expect(u.resets).toEqual({ day: 1767225600, month: 1769904000 });
    expect(u.expires?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("hides the section for anything but a 200 with numbers", () => {
    expect(readUsage(404, { error: true, code: "not_found" })).toBeNull();
    expect(readUsage(401, ANSWER)).toBeNull();
    expect(readUsage(200, "<html>")).toBeNull();
    expect(readUsage(200, {})).toBeNull();
  });

  it("takes no limits, no expiry and missing counts as none", () => {
    const u = readUsage(200, { today: { requests: 1, promptTokens: 5, completionTokens: 6 }, month: null, limits: null, resets: null, expires: null, currency: "dollars" })!;
    expect(u.today.tokens).toBe(11);
    expect(u.month).toEqual({ requests: 0, promptTokens: 0, completionTokens: 0, tokens: 0, cost: 0 });
    expect(Object.values(u.limits).every((v) => v === null)).toBe(true);
    expect(u.resets).toEqual({ day: null, month: null });
    expect(u.expires).toBeNull();
    expect(u.currency).toBe("USD");
  });
});
