// 设置页“关于”和“余额”两节的文字：随设置页加载（AboutSection 通过 texts() 读取），不进入首屏。
import type { aboutEn } from "./about.en";

export const aboutZhCN: { [K in keyof typeof aboutEn]: (typeof aboutEn)[K] extends (...a: infer A) => string ? (...a: A) => string : string } = {
  aboutTitle: "关于",
  aboutLatest: (version) => `最新版本：${version}`,
  aboutUpToDate: "已是最新版本。",
  aboutUpdateAvailable: (version) => `新版本 ${version} 已发布。`,
  aboutReleased: (date) => `发布于 ${date}。`,
  aboutChangelog: "查看更新内容",
  aboutDockerLag: "Docker 镜像通常比正式发布晚一两天；如果还拉取不到新镜像，明天再试一次。",
  aboutCheckDisabled: "此服务器没有开启新版本检查。",
  balanceTitle: "余额",
  balanceLimit: "总额度",
  balanceUsed: "已用",
  balanceRemaining: "剩余",
  balanceUnsupported: "OpenAI 已不再允许用 API Key 查询余额，当前上游也没有提供余额信息。请到服务商的用量页面查看，OpenAI 的用量页面是：",
  balanceUpstreamSaid: (detail) => `上游的回复：${detail}`,
  balanceUnreachable: "暂时连不上上游，无法查询余额，请稍后再试。",
  balanceNeedKey: "请先填写访问密码或自己的 API Key，再查看余额。",
};
