import { useState } from "preact/hooks";
import { t } from "../i18n";
import { chats, saveChat } from "../state/chats";
import { chatModel } from "../state/conversation";
import { generateTitle } from "../state/memory";
import type { Chat } from "../state/types";
import { ConfigOverrides, ContextEditor } from "./ConfigFields";
import { Modal } from "./Modal";

/** This conversation's context, model settings and memory; the mask is left as it is. */
export function ChatSettingsDialog({ chat, onClose }: { chat: Chat; onClose: () => void }) {
  const [context, setContext] = useState(chat.context ?? []);
  const [config, setConfig] = useState(chat.config ?? {});
  const [memory, setMemory] = useState(chat.memory ?? { enabled: true, prompt: "", upTo: 0 });
  const m = t();
  return (
    <Modal title={m.chatSettings} onClose={onClose} wide>
      <form
        class="mask-editor"
        onSubmit={(e) => {
          e.preventDefault();
          // The chat may have moved on while the dialog was open (an answer
          // arrived): change only what the dialog edits.
          const latest = chats.get().find((c) => c.id === chat.id) ?? chat;
          saveChat({ ...latest, context, config, memory });
          onClose();
        }}
      >
        <p class="muted">{m.chatSettingsHint}</p>
        <ContextEditor value={context} onChange={setContext} />
        <ConfigOverrides idPrefix="chat" value={config} onChange={setConfig} />
        <fieldset>
          <legend>{m.memory}</legend>
          <label class="check">
            <input type="checkbox" id="memoryEnabled" checked={memory.enabled} onChange={(e) => setMemory({ ...memory, enabled: e.currentTarget.checked })} /> {m.memoryEnabled}
          </label>
          <div class="field">
            <label for="memoryPrompt">{m.memoryPrompt}</label>
            <textarea
              id="memoryPrompt"
              rows={4}
              placeholder={m.memoryEmpty}
              value={memory.prompt}
              onInput={(e) => setMemory({ ...memory, prompt: e.currentTarget.value, upTo: memory.upTo || chat.nextSeq })}
            />
            <p class="hint muted">{m.memoryHint}</p>
          </div>
        </fieldset>
        <div class="modal-actions">
          <button type="button" class="button" onClick={() => void generateTitle(chat, chatModel(chat), true)}>
            {m.refreshTitle}
          </button>
          <span class="spacer" />
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
