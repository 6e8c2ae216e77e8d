import "./pages.css";
import "./settings.css";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import { clearAll } from "../lib/db";
import { useStore } from "../lib/store";
import { effectiveModel, serverConfig } from "../state/serverConfig";
import { resetSettings, SEND_KEYS, settings, updateSettings, type Settings } from "../state/settings";
import { focusField, go } from "../state/ui";
import { AboutSection } from "./AboutSection";
import { AccessCodeForm } from "./AccessCodeForm";
import { BackupSection } from "./BackupSection";
import { Icon } from "./icons";
import { lazy } from "./Lazy";
import { LanguageOptions, ModelOptions } from "./Options";
import { PromptsSection } from "./PromptsSection";

const UsageSection = lazy(() => import("./UsageSection").then((m) => m.UsageSection));

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="hint muted" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

function Toggle({ id, label, checked, onChange }: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label class="check field" for={id}>
      <input type="checkbox" id={id} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} /> {label}
    </label>
  );
}

function NumberField({ name, label, hint, min, max, step }: { name: keyof Settings; label: string; hint?: string; min: number; max: number; step: number }) {
  const s = useStore(settings);
  return (
    <Field id={name} label={label} hint={hint}>
      <div class="range-row">
        <input
          type="range"
          id={name}
          min={min}
          max={max}
          step={step}
          value={s[name] as number}
          aria-describedby={hint ? `${name}-hint` : undefined}
          onInput={(e) => updateSettings({ [name]: Number(e.currentTarget.value) })}
        />
        <input
          type="number"
          class="range-value"
          aria-label={label}
          min={min}
          max={max}
          step={step}
          value={s[name] as number}
          onChange={(e) => {
            const v = Number(e.currentTarget.value);
            if (Number.isFinite(v)) updateSettings({ [name]: Math.min(max, Math.max(min, v)) });
          }}
        />
      </div>
    </Field>
  );
}

export function SettingsPage() {
  const s = useStore(settings);
  const config = useStore(serverConfig);
  const focus = useStore(focusField);
  const page = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!focus) return;
    const el = page.current?.querySelector<HTMLElement>(`#${focus}`);
    el?.scrollIntoView({ block: "center" });
    el?.focus();
    focusField.set(null);
  }, [focus]);

  const m = t();
  const models = config.models.length ? config.models : [];
  // What new messages use: the choice, else the server default, else the first model.
  const chosen = effectiveModel(s.model, config);

  return (
    <main class="settings-page" ref={page}>
      <header class="chat-head">
        <button type="button" class="icon-button" aria-label={m.back} onClick={() => go("chat")}>
          <Icon name="back" />
        </button>
        <div class="chat-heading">
          <h1>{m.settings}</h1>
        </div>
      </header>
      <div class="settings-body">
        <AboutSection />
        <section>
          <h2>{m.settingsAccess}</h2>
          {config.needCode && <p class="muted">{m.serverNeedsCode}</p>}
          {(config.needCode || !config.loaded) && <AccessCodeForm />}
          {config.hideUserApiKey ? (
            <p class="muted">{m.ownKeyHidden}</p>
          ) : (
            <>
              <Field id="apiKey" label={m.apiKey} hint={m.apiKeyHint}>
                <input id="apiKey" type="password" autocomplete="off" value={s.apiKey} onChange={(e) => updateSettings({ apiKey: e.currentTarget.value.trim() })} />
              </Field>
              <Field id="endpoint" label={m.endpoint} hint={m.endpointHint}>
                <input id="endpoint" type="url" placeholder="https://api.openai.com" value={s.endpoint} onChange={(e) => updateSettings({ endpoint: e.currentTarget.value.trim() })} />
              </Field>
            </>
          )}
        </section>

        <UsageSection />

        <section>
          <h2>{m.settingsModel}</h2>
          <Field id="model" label={m.model}>
            <select id="model" value={chosen} onChange={(e) => updateSettings({ model: e.currentTarget.value })}>
              {models.length === 0 && <option value={chosen}>{chosen || "gpt-4o-mini"}</option>}
              <ModelOptions models={models} />
            </select>
          </Field>
          <NumberField name="temperature" label={m.temperature} hint={m.temperatureHint} min={0} max={2} step={0.1} />
          <NumberField name="topP" label={m.topP} min={0} max={1} step={0.05} />
          <Field id="maxTokens" label={m.maxTokens} hint={m.maxTokensHint}>
            <input id="maxTokens" type="number" min={0} step={1} value={s.maxTokens} onChange={(e) => updateSettings({ maxTokens: Math.max(0, Math.round(Number(e.currentTarget.value) || 0)) })} />
          </Field>
          <NumberField name="presencePenalty" label={m.presencePenalty} min={-2} max={2} step={0.1} />
          <NumberField name="frequencyPenalty" label={m.frequencyPenalty} min={-2} max={2} step={0.1} />
          <NumberField name="historyCount" label={m.historyCount} hint={m.historyCountHint} min={0} max={64} step={1} />
          <NumberField name="compressThreshold" label={m.compressThreshold} hint={m.compressThresholdHint} min={200} max={10000} step={100} />
          <Field id="compressModel" label={m.compressModel}>
            <select id="compressModel" value={s.compressModel} onChange={(e) => updateSettings({ compressModel: e.currentTarget.value })}>
              <option value="">{m.compressModelAuto}</option>
              <ModelOptions models={models} />
            </select>
          </Field>
          <Toggle id="sendMemory" label={m.memoryEnabled} checked={s.sendMemory} onChange={(v) => updateSettings({ sendMemory: v })} />
          <Toggle id="autoTitle" label={m.autoTitle} checked={s.autoTitle} onChange={(v) => updateSettings({ autoTitle: v })} />
          <Toggle id="maskOnNewChat" label={m.maskOnNewChat} checked={s.maskOnNewChat} onChange={(v) => updateSettings({ maskOnNewChat: v })} />
          <Field id="inputTemplate" label={m.inputTemplate} hint={m.inputTemplateHint}>
            <textarea id="inputTemplate" rows={2} value={s.inputTemplate} onChange={(e) => updateSettings({ inputTemplate: e.currentTarget.value || "{{input}}" })} />
          </Field>
        </section>

        <section>
          <h2>{m.settingsAppearance}</h2>
          <Field id="theme" label={m.theme}>
            <select id="theme" value={s.theme} onChange={(e) => updateSettings({ theme: e.currentTarget.value as Settings["theme"] })}>
              <option value="auto">{m.themeAuto}</option>
              <option value="light">{m.themeLight}</option>
              <option value="dark">{m.themeDark}</option>
            </select>
          </Field>
          <Field id="lang" label={m.language}>
            <select id="lang" value={s.lang} onChange={(e) => updateSettings({ lang: e.currentTarget.value as Settings["lang"] })}>
              <option value="auto">{m.languageAuto}</option>
              <LanguageOptions />
            </select>
          </Field>
          <NumberField name="fontSize" label={m.fontSize} min={12} max={22} step={1} />
          <Field id="sendKey" label={m.sendKey}>
            <select id="sendKey" value={s.sendKey} onChange={(e) => updateSettings({ sendKey: e.currentTarget.value as Settings["sendKey"] })}>
              {SEND_KEYS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </Field>
        </section>

        <PromptsSection />

        <section>
          <h2>{m.settingsData}</h2>
          <BackupSection />
          <div class="danger-row">
            <button type="button" class="button" onClick={() => confirm(m.resetSettingsConfirm) && resetSettings()}>
              {m.resetSettings}
            </button>
            <button
              type="button"
              class="button danger"
              onClick={async () => {
                if (!confirm(m.clearAllDataConfirm)) return;
                await clearAll();
                location.replace("/");
              }}
            >
              {m.clearAllData}
            </button>
          </div>
        </section>
      </div>
    </main>
  );
}
