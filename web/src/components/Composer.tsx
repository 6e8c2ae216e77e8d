import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { locale, t } from "../i18n";
import { searchPrompts } from "../lib/fuzzy";
import { useStore } from "../lib/store";
import { currentId, forkChat, loadDraft, messages, newChat, openChat, neighbour, saveDraft, toggleClearContext } from "../state/chats";
import { attachFiles, attachments, clearAttachments, refuseImages, removeAttachment, visionModel } from "../state/attach";
import { send, stop, streaming } from "../state/conversation";
import { parseCommand, type Command } from "../state/history";
import { builtinPrompts, loadBuiltinPrompts, userPrompts } from "../state/prompts";
import { serverConfig } from "../state/serverConfig";
import { settings, type SendKey } from "../state/settings";
import type { Prompt } from "../state/types";
import { PromptPicker } from "./PromptPicker";

import { Icon } from "./icons";
import { confirmDelete } from "./Sidebar";

function isSendKey(e: KeyboardEvent, key: SendKey): boolean {
  if (e.key !== "Enter" || e.isComposing) return false; // IME: Enter picks a candidate
  switch (key) {
    case "Enter":
      return !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey;
    case "Ctrl+Enter":
      return e.ctrlKey || e.metaKey;
    case "Shift+Enter":
      return e.shiftKey;
    case "Alt+Enter":
      return e.altKey;
  }
}

function runCommand(cmd: Command): void {
  const id = currentId.get();
  switch (cmd) {
    case "new":
      newChat(undefined, settings.get().sendMemory);
      break;
    case "next":
    case "prev": {
      const target = neighbour(cmd === "next" ? 1 : -1);
      if (target) void openChat(target);
      break;
    }
    case "clear":
      toggleClearContext();
      break;
    case "fork":
      void forkChat();
      break;
    case "del":
      if (id) confirmDelete(id);
      break;
  }
}

export function Composer() {
  const chatId = useStore(currentId);
  const s = useStore(settings);
  useStore(streaming);
  const list = useStore(messages);
  const attached = useStore(attachments);
  useStore(serverConfig);
  const { model, vision } = visionModel();
  const file = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [dismissed, setDismissed] = useState(false);
  const [active, setActive] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const liveAnswer = list.find((m) => m.status === "streaming");
  const mine = useStore(userPrompts);
  const builtin = useStore(builtinPrompts);
  const picking = text.startsWith("/") && !text.includes("\n") && !dismissed;
  const hits = picking ? searchPrompts(text.slice(1), mine, builtin, 8) : [];

  useEffect(() => {
    if (picking) void loadBuiltinPrompts(locale.get());
  }, [picking]);

  // Each chat keeps its own unsent draft. A draft read after the user has
  // started typing in the new chat must not wipe what they typed.
  const typed = useRef(false);
  useEffect(() => {
    let stale = false;
    typed.current = false;
    setText("");
    clearAttachments();
    if (chatId) void loadDraft(chatId).then((d) => !stale && !typed.current && d && setText(d));
    area.current?.focus();
    return () => {
      stale = true;
    };
  }, [chatId]);

  // Grow with the text, up to a limit set in CSS.
  useLayoutEffect(() => {
    const el = area.current!;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const change = (value: string) => {
    typed.current = true;
    setText(value);
    setActive(0);
    if (!value.startsWith("/")) setDismissed(false);
    if (currentId.get()) saveDraft(currentId.get()!, value);
  };

  const pick = (p: Prompt) => {
    change(p.content);
    setDismissed(true);
    requestAnimationFrame(() => {
      const el = area.current!;
      el.focus();
      el.selectionStart = el.selectionEnd = el.value.length;
    });
  };

  const images = attached.images;
  const ready = (!!text.trim() || images.length > 0) && !attached.pending;

  const submit = () => {
    const value = text.trim();
    if (!ready) return;
    if (images.length && !vision) return refuseImages(model); // the model changed since they were attached
    const cmd = images.length ? null : parseCommand(value);
    change("");
    clearAttachments();
    if (cmd) return runCommand(cmd);
    // Without a code the server decides: a 401 shows the unauthorized hint in the chat.
    void send(value, images);
  };

  return (
    <form
      class={`composer${picking ? " picking" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {picking && <PromptPicker items={hits} active={Math.min(active, Math.max(0, hits.length - 1))} onPick={pick} />}
      {(images.length > 0 || attached.pending > 0) && (
        <div class="attachments">
          {images.map((src, i) => (
            <span key={i} class="attachment">
              <img src={src} alt={t().attachedImage(i + 1)} />
              <button type="button" aria-label={t().removeImage(i + 1)} onClick={() => removeAttachment(i)}>
                <Icon name="close" size={12} />
              </button>
            </span>
          ))}
          {attached.pending > 0 && <span class="attachment busy" />}
        </div>
      )}
      {vision && (
        <>
          <button type="button" class="icon-button attach-button" aria-label={t().attachImages} title={t().attachImages} onClick={() => file.current?.click()}>
            <Icon name="image" />
          </button>
          <input
            ref={file}
            type="file"
            accept="image/*"
            multiple
            hidden
            onChange={(e) => {
              attachFiles(Array.from(e.currentTarget.files ?? []));
              e.currentTarget.value = "";
            }}
          />
        </>
      )}
      <textarea
        ref={area}
        rows={1}
        value={text}
        aria-label={t().composerPlaceholder(s.sendKey)}
        placeholder={t().composerPlaceholder(s.sendKey)}
        onInput={(e) => change(e.currentTarget.value)}
        onPaste={(e) => {
          // A screenshot or a copied image; copied text (Excel sends an image of it too) pastes as text.
          const data = e.clipboardData;
          const files = Array.from(data?.files ?? []).filter((f) => f.type.startsWith("image/"));
          if (!files.length || data!.getData("text/plain")) return;
          e.preventDefault();
          attachFiles(files);
        }}
        role="combobox"
        aria-expanded={picking}
        aria-controls={picking ? "prompt-picker" : undefined}
        aria-activedescendant={picking && hits.length ? `prompt-option-${active}` : undefined}
        onKeyDown={(e) => {
          if (picking && hits.length) {
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              const step = e.key === "ArrowDown" ? 1 : -1;
              setActive((a) => (a + step + hits.length) % hits.length);
              return;
            }
            if ((e.key === "Enter" && !e.isComposing) || e.key === "Tab") {
              e.preventDefault();
              pick(hits[Math.min(active, hits.length - 1)]);
              return;
            }
          }
          if (picking && e.key === "Escape") {
            e.preventDefault();
            setDismissed(true);
            return;
          }
          if (isSendKey(e, s.sendKey)) {
            e.preventDefault();
            submit();
          }
        }}
      />
      {liveAnswer ? (
        <button type="button" class="send-button stop" aria-label={t().stop} title={t().stop} onClick={() => stop(liveAnswer.id)}>
          <Icon name="stop" />
        </button>
      ) : (
        <button type="submit" class="send-button" aria-label={t().send} title={t().send} disabled={!ready}>
          <Icon name="send" />
        </button>
      )}
    </form>
  );
}
