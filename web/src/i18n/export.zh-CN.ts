// 导出与备份界面的文字（并入 zh-CN.ts）。
import type { exportEn } from "./export.en";

export const exportZhCN: { [K in keyof typeof exportEn]: (typeof exportEn)[K] extends (...a: infer A) => string ? (...a: A) => string : string } = {
  export: "导出",
};
