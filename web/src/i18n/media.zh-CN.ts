// 图片与思考过程的文字（并入 zh-CN.ts）。
import type { mediaEn } from "./media.en";

export const mediaZhCN: { [K in keyof typeof mediaEn]: (typeof mediaEn)[K] extends (...a: infer A) => string ? (...a: A) => string : string } = {
  attachImages: "添加图片",
  attachedImage: (n) => `图片 ${n}`,
  removeImage: (n) => `移除图片 ${n}`,
  noVision: (model) => `${model} 无法识别图片。`,
  tooManyImages: (n) => `每条消息最多 ${n} 张图片。`,
  notAnImage: (name) => `不是图片：${name}`,
  imageTooLarge: (name, mb) => `超过 ${mb} MB：${name}`,
  imageUnreadable: (name) => `无法读取图片：${name}`,
  imageNote: "[图片]",
  thoughtFor: (seconds) => `已深度思考（用时 ${seconds} 秒）`,
  thought: "已深度思考",
};
