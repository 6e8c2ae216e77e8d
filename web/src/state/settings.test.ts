import { describe, expect, it } from "vitest";
import { DEFAULTS, legacyAccessCode, migrateSettings, SETTINGS_VERSION, STEPS } from "./settings";

describe("migrateSettings", () => {
  it("gives defaults for nothing or garbage", () => {
    expect(migrateSettings(undefined)).toEqual(DEFAULTS);
    expect(migrateSettings("nonsense")).toEqual(DEFAULTS);
  });

  it("runs each step from the stored version on, in order", () => {
    const calls: number[] = [];
    const steps = [
      (r: Record<string, unknown>) => (calls.push(1), { ...r, sendKey: r.submitKey }),
      (r: Record<string, unknown>) => (calls.push(2), { ...r, fontSize: parseInt(String(r.fontSize), 10) }),
    ];
    const s = migrateSettings({ version: 1, apiKey: "abc", submitKey: "Ctrl+Enter", fontSize: "18px" }, steps);
    expect(calls).toEqual([1, 2]);
    expect([s.apiKey, s.sendKey, s.fontSize]).toEqual(["abc", "Ctrl+Enter", 18]);
    calls.length = 0;
    migrateSettings({ version: 2, fontSize: "16px" }, steps);
    expect(calls).toEqual([2]);
  });

  it("clamps numbers and drops invalid choices", () => {
    const s = migrateSettings({ version: SETTINGS_VERSION, temperature: 9, topP: -1, historyCount: 2.6, theme: "pink", sendKey: "F13" });
    expect(s.temperature).toBe(2);
    expect(s.topP).toBe(0);
    expect(s.historyCount).toBe(3);
    expect(s.theme).toBe("auto");
    expect(s.sendKey).toBe("Enter");
  });

  it("is idempotent on current records", () => {
    const s = migrateSettings({ ...DEFAULTS, apiKey: "x", temperature: 1.2 });
    expect(migrateSettings(s)).toEqual(s);
  });

  it("drops the access code an earlier version stored; legacyAccessCode still reads it, once", () => {
    const old = { version: 1, accessCode: " family ", apiKey: "", theme: "dark" };
    expect(legacyAccessCode(old)).toBe("family");
    const s = migrateSettings(old);
    expect(s).not.toHaveProperty("accessCode");
    expect(s.theme).toBe("dark");
    expect(s.version).toBe(SETTINGS_VERSION);
    expect(SETTINGS_VERSION).toBeGreaterThanOrEqual(2);
    // What gets stored back has no code, so the next load has nothing to trade.
    expect(legacyAccessCode(s)).toBe("");
    // Even a record claiming the current version (a restored backup) loses it.
    expect(migrateSettings({ ...DEFAULTS, accessCode: "x" })).not.toHaveProperty("accessCode");
    expect(STEPS[0]({ version: 1, accessCode: "x", fontSize: 16 })).toEqual({ version: 1, fontSize: 16 });
    expect(legacyAccessCode(undefined)).toBe("");
    expect(legacyAccessCode({ accessCode: 42 })).toBe("");
  });
});
