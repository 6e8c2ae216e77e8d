// <option> lists several pickers share.
import { LOCALE_NAMES, type Locale } from "../i18n";
import { modelId, type ModelInfo } from "../state/serverConfig";

export function ModelOptions({ models }: { models: ModelInfo[] }) {
  return (
    <>
      {models.map((x) => (
        <option key={modelId(x)} value={modelId(x)}>
          {x.displayName || x.name}
          {x.provider !== "openai" ? ` (${x.provider})` : ""}
        </option>
      ))}
    </>
  );
}

export function LanguageOptions() {
  return (
    <>
      {(Object.keys(LOCALE_NAMES) as Locale[]).map((l) => (
        <option key={l} value={l}>
          {LOCALE_NAMES[l]}
        </option>
      ))}
    </>
  );
}
