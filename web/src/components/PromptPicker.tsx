import { t } from "../i18n";
import type { Prompt } from "../state/types";

/** The list under the composer while the message starts with "/". */
export function PromptPicker({ items, active, onPick }: { items: Prompt[]; active: number; onPick: (p: Prompt) => void }) {
  return (
    <div class="prompt-picker" role="listbox" id="prompt-picker" aria-label={t().prompts}>
      {items.length === 0 && <p class="muted">{t().promptSearchEmpty}</p>}
      {items.map((p, i) => (
        <div
          key={p.id}
          id={`prompt-option-${i}`}
          role="option"
          aria-selected={i === active}
          class={`prompt-option${i === active ? " active" : ""}`}
          // mousedown, not click: the textarea must keep focus.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(p);
          }}
        >
          <strong>{p.title}</strong>
          <span class="muted">{p.content.slice(0, 120)}</span>
        </div>
      ))}
    </div>
  );
}
