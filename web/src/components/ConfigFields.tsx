// Fields shared by the mask editor and the per-chat settings: preset
// messages and model overrides that fall back on the global settings.
import { t } from "../i18n";
import { useStore } from "../lib/store";
import { modelId, serverConfig } from "../state/serverConfig";
import { settings } from "../state/settings";
import type { ContextMessage, ModelConfig, Role } from "../state/types";
import { Icon } from "./icons";
import { ModelOptions } from "./Options";

export function ContextEditor({ value, onChange }: { value: ContextMessage[]; onChange: (v: ContextMessage[]) => void }) {
  const m = t();
  const set = (i: number, patch: Partial<ContextMessage>) => onChange(value.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset class="context-editor">
      <legend>{m.contextMessages}</legend>
      <p class="hint muted">{m.contextHint}</p>
      {value.map((c, i) => (
        <div class="context-row" key={i}>
          <select aria-label={`${m.contextMessages} ${i + 1}`} value={c.role} onChange={(e) => set(i, { role: e.currentTarget.value as Role })}>
            <option value="system">{m.roleSystem}</option>
            <option value="user">{m.roleUser}</option>
            <option value="assistant">{m.roleAssistant}</option>
          </select>
          <textarea rows={3} aria-label={`${m.contextMessages} ${i + 1}`} value={c.content} onInput={(e) => set(i, { content: e.currentTarget.value })} />
          <button type="button" class="icon-button" aria-label={m.removeContext} title={m.removeContext} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            <Icon name="trash" size={15} />
          </button>
        </div>
      ))}
      <button type="button" class="button" onClick={() => onChange([...value, { role: value.length ? "user" : "system", content: "" }])}>
        <Icon name="plus" size={15} /> {m.addContext}
      </button>
    </fieldset>
  );
}

type NumberKey = Exclude<keyof ModelConfig, "model">;
const NUMBERS: { key: NumberKey; label: () => string; min: number; max: number; step: number }[] = [
  { key: "temperature", label: () => t().temperature, min: 0, max: 2, step: 0.1 },
  { key: "topP", label: () => t().topP, min: 0, max: 1, step: 0.05 },
  { key: "maxTokens", label: () => t().maxTokens, min: 0, max: 1_000_000, step: 1 },
  { key: "presencePenalty", label: () => t().presencePenalty, min: -2, max: 2, step: 0.1 },
  { key: "frequencyPenalty", label: () => t().frequencyPenalty, min: -2, max: 2, step: 0.1 },
  { key: "historyCount", label: () => t().historyCount, min: 0, max: 64, step: 1 },
  { key: "compressThreshold", label: () => t().compressThreshold, min: 200, max: 100_000, step: 100 },
];

/** Each field empty = follow the global setting (shown as the placeholder). */
export function ConfigOverrides({ value, onChange, idPrefix }: { value: ModelConfig; onChange: (v: ModelConfig) => void; idPrefix: string }) {
  const global = useStore(settings);
  const config = useStore(serverConfig);
  const m = t();
  const set = (patch: ModelConfig) => {
    const next: ModelConfig = { ...value, ...patch };
    for (const k of Object.keys(next) as (keyof ModelConfig)[]) if (next[k] === undefined || next[k] === "") delete next[k];
    onChange(next);
  };
  return (
    <fieldset class="config-overrides">
      <legend>{m.modelOverrides}</legend>
      <div class="field">
        <label for={`${idPrefix}-model`}>{m.model}</label>
        <select id={`${idPrefix}-model`} value={value.model ?? ""} onChange={(e) => set({ model: e.currentTarget.value || undefined })}>
          <option value="">{m.followGlobal}</option>
          <ModelOptions models={config.models} />
          {value.model && !config.models.some((x) => modelId(x) === value.model) && <option value={value.model}>{value.model}</option>}
        </select>
      </div>
      <div class="override-grid">
        {NUMBERS.map(({ key, label, min, max, step }) => (
          <div class="field" key={key}>
            <label for={`${idPrefix}-${key}`}>{label()}</label>
            <input
              id={`${idPrefix}-${key}`}
              type="number"
              min={min}
              max={max}
              step={step}
              placeholder={String(global[key])}
              value={value[key] ?? ""}
              onChange={(e) => {
                const raw = e.currentTarget.value;
                const v = Number(raw);
                set({ [key]: raw === "" || !Number.isFinite(v) ? undefined : Math.min(max, Math.max(min, v)) });
              }}
            />
          </div>
        ))}
      </div>
    </fieldset>
  );
}
