import { describe, expect, it } from "vitest";
import { aboutEn } from "./about.en";
import { aboutZhCN } from "./about.zh-CN";
import { exportEn } from "./export.en";
import { exportZhCN } from "./export.zh-CN";
import en from "./en";
import zhCN from "./zh-CN";

describe("locales", () => {
  it("have the same keys, each of the same kind", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(typeof zhCN[key], key).toBe(typeof en[key]);
    }
  });

  it("packs loaded with their screen match too, and share no key with the first screen's", () => {
    for (const [packEn, packZh] of [
      [aboutEn, aboutZhCN],
      [exportEn, exportZhCN],
    ] as [Record<string, unknown>, Record<string, unknown>][]) {
      expect(Object.keys(packZh).sort()).toEqual(Object.keys(packEn).sort());
      for (const key of Object.keys(packEn)) {
        expect(typeof packZh[key], key).toBe(typeof packEn[key]);
        expect(en, key).not.toHaveProperty(key);
      }
    }
  });

  it("carry the texts NextChat's FAQ quotes, exactly", () => {
    expect(zhCN.errorGeneric).toBe("出错了，稍后重试吧");
    expect(zhCN.errorUnauthorized).toBe("现在是未授权状态，请在设置页输入访问密码");
  });

  it("functions take the same arguments and fill them in", () => {
    expect(en.errorLocked("10 min")).toContain("10 min");
    expect(zhCN.errorLocked("10 分钟")).toContain("10 分钟");
    expect(zhCN.messageCount(3)).toContain("3");
  });
});
