// The i18n layer: every user-facing string comes from here.
import en, { type Messages } from "./en";
import zhCN from "./zh-CN";
import { Store } from "../lib/store";

export type Locale = "en" | "zh-CN";
export const LOCALES: Record<Locale, Messages> = { en, "zh-CN": zhCN };
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "简体中文" };

export function browserLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith("zh")) return "zh-CN";
    if (l.startsWith("en")) return "en";
  }
  return "en";
}

export const locale = new Store<Locale>("en");

/** The texts of the current locale; components read this on render. */
export function t(): Messages {
  return LOCALES[locale.get()];
}

/**
 * t() for a lazily loaded screen with texts of its own, kept out of the first
 * screen's bundle: the screen passes its pack in both languages and gets
 * every text of the current language, its own included.
 */
export function withTexts<T extends object>(packs: Record<Locale, T>): () => Messages & T {
  const merged = { en: { ...en, ...packs.en }, "zh-CN": { ...zhCN, ...packs["zh-CN"] } };
  return () => merged[locale.get()];
}

export type { Messages };
