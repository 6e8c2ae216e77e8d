import { describe, expect, it } from "vitest";
import { adminEn } from "./admin.en";
import { adminZhCN } from "./admin.zh-CN";
import en from "./en";

describe("admin texts", () => {
  it("have the same keys in both languages, each of the same kind", () => {
    expect(Object.keys(adminZhCN).sort()).toEqual(Object.keys(adminEn).sort());
    for (const key of Object.keys(adminEn) as (keyof typeof adminEn)[]) {
      expect(typeof adminZhCN[key], key).toBe(typeof adminEn[key]);
      if (typeof adminEn[key] === "string") expect(adminZhCN[key], key).not.toBe("");
    }
  });

  it("stay out of the first screen's texts", () => {
    expect(Object.keys(en).filter((k) => k.startsWith("admin"))).toEqual([]);
  });

  it("fill in what they are given", () => {
    expect(adminZhCN.adminLocked("9 分钟")).toBe("你的地址输错密码次数过多，请在 9 分钟后重试。");
    expect(adminEn.adminUnlockIp("10.0.0.1")).toBe("Unlock 10.0.0.1");
    expect(adminZhCN.adminHours(2, 0)).toBe("2 小时");
    expect(adminEn.adminHours(1, 5)).toBe("1 h 5 min");
  });
});
