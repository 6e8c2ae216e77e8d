// <option> lists several pickers share.
import { LOCALE_NAMES, type Locale } from "../i18n";
import { groupModels } from "../lib/modelGroups";
import { modelId, type ModelInfo } from "../state/serverConfig";

/** The models, one <optgroup> per provider; values are model ids, so a <select>'s value works as before. */
export function ModelOptions({ models }: { models: ModelInfo[] }) {
  return (
    <>
      {groupModels(models).map((g) => (
        <optgroup key={g.provider} label={g.label}>
          {g.models.map((x) => (
            <option key={modelId(x)} value={modelId(x)}>
              {x.displayName || x.name}
            </option>
          ))}
        </optgroup>
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
