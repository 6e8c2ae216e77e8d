// Avatars are emoji. NextChat files store them as code points in hex
// ("1f35e", "1f9d1-200d-1f3eb"), or "gpt-bot" for its logo.

const FALLBACK = "🤖";

export function avatarOf(value: unknown): string {
  if (typeof value !== "string" || !value.trim()) return FALLBACK;
  const v = value.trim();
  if (/^[0-9a-f]{2,6}(-[0-9a-f]{2,6})*$/i.test(v)) {
    try {
      return String.fromCodePoint(...v.split("-").map((h) => parseInt(h, 16)));
    } catch {
      return FALLBACK;
    }
  }
  // An emoji sequence is short; anything long is a name or a URL, not an avatar.
  return [...v].length <= 8 && !/^[\w-]+$/.test(v) ? v : FALLBACK;
}
