import { useState } from "preact/hooks";
import { t } from "../i18n";
import { useStore } from "../lib/store";
import { deletePrompt, savePrompt, userPrompts } from "../state/prompts";
import type { Prompt } from "../state/types";
import { Icon } from "./icons";

/** The user's own prompts: they rank first in the composer's "/" search. */
export function PromptsSection() {
  const mine = useStore(userPrompts);
  const [editing, setEditing] = useState<Partial<Prompt> | null>(null);
  const m = t();
  return (
    <section class="prompts-section">
      <h2>{m.prompts}</h2>
      <p class="muted">{m.promptsHint}</p>
      <ul class="prompt-list">
        {mine.length === 0 && <li class="muted">{m.noPrompts}</li>}
        {mine.map((p) => (
          <li key={p.id}>
            <div class="prompt-text">
              <strong>{p.title}</strong>
              <span class="muted">{p.content.slice(0, 140)}</span>
            </div>
            <button type="button" class="icon-button" aria-label={`${m.edit}: ${p.title}`} title={m.edit} onClick={() => setEditing(p)}>
              <Icon name="edit" size={15} />
            </button>
            <button type="button" class="icon-button" aria-label={`${m.delete}: ${p.title}`} title={m.delete} onClick={() => deletePrompt(p.id)}>
              <Icon name="trash" size={15} />
            </button>
          </li>
        ))}
      </ul>
      {editing ? (
        <form
          class="prompt-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!editing.title?.trim() || !editing.content?.trim()) return;
            savePrompt({ id: editing.id, title: editing.title, content: editing.content });
            setEditing(null);
          }}
        >
          <div class="field">
            <label for="promptTitle">{m.promptTitle}</label>
            <input id="promptTitle" required value={editing.title ?? ""} onInput={(e) => setEditing({ ...editing, title: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="promptContent">{m.promptContent}</label>
            <textarea id="promptContent" required rows={4} value={editing.content ?? ""} onInput={(e) => setEditing({ ...editing, content: e.currentTarget.value })} />
          </div>
          <div class="edit-actions">
            <button type="submit" class="button primary">
              {m.save}
            </button>
            <button type="button" class="button" onClick={() => setEditing(null)}>
              {m.cancel}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" class="button" onClick={() => setEditing({ title: "", content: "" })}>
          <Icon name="plus" size={15} /> {m.addPrompt}
        </button>
      )}
    </section>
  );
}
