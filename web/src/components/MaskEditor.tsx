import { useState } from "preact/hooks";
import { t } from "../i18n";
import type { Mask } from "../state/types";
import { ConfigOverrides, ContextEditor } from "./ConfigFields";
import { Modal } from "./Modal";
import { LanguageOptions } from "./Options";

export function MaskEditor({ mask, onSave, onClose }: { mask: Mask; onSave: (m: Mask) => void; onClose: () => void }) {
  const [draft, setDraft] = useState(mask);
  const m = t();
  const set = (patch: Partial<Mask>) => setDraft((d) => ({ ...d, ...patch }));
  return (
    <Modal title={mask.name || m.newMask} onClose={onClose} wide>
      <form
        class="mask-editor"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draft.name.trim()) return;
          onSave({ ...draft, name: draft.name.trim() });
        }}
      >
        <div class="mask-editor-row">
          <div class="field avatar-field">
            <label for="mask-avatar">{m.maskAvatar}</label>
            <input id="mask-avatar" value={draft.avatar} maxLength={8} onInput={(e) => set({ avatar: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="mask-name">{m.maskName}</label>
            <input id="mask-name" required value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="mask-lang">{m.maskLanguage}</label>
            <select id="mask-lang" value={draft.lang} onChange={(e) => set({ lang: e.currentTarget.value })}>
              <option value="">{m.allLanguages}</option>
              <LanguageOptions />
            </select>
          </div>
        </div>
        <div class="field">
          <label for="mask-description">{m.maskDescription}</label>
          <input id="mask-description" value={draft.description ?? ""} onInput={(e) => set({ description: e.currentTarget.value })} />
        </div>
        <ContextEditor value={draft.context} onChange={(context) => set({ context })} />
        <ConfigOverrides idPrefix="mask" value={draft.modelConfig} onChange={(modelConfig) => set({ modelConfig })} />
        <div class="modal-actions">
          <button type="button" class="button" onClick={onClose}>
            {m.cancel}
          </button>
          <button type="submit" class="button primary">
            {m.save}
          </button>
        </div>
      </form>
    </Modal>
  );
}
