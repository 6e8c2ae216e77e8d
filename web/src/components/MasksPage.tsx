import "./pages.css";
import { useEffect, useRef, useState } from "preact/hooks";
import { locale, t } from "../i18n";
import { downloadText } from "../lib/exportChat";
import { useStore } from "../lib/store";
import { newChat } from "../state/chats";
import { builtinMasks, cloneMask, deleteMask, hiddenMasks, maskFile, parseMaskFile, saveMask, setHidden, userMasks, newMask, loadMasks } from "../state/masks";
import { settings } from "../state/settings";
import type { Mask } from "../state/types";
import { go, showToast } from "../state/ui";
import { Icon } from "./icons";
import { LanguageOptions } from "./Options";
import { MaskEditor } from "./MaskEditor";

export function startChat(mask?: Mask) {
  newChat(mask, settings.get().sendMemory);
  go("chat");
}

export function MasksPage() {
  const mine = useStore(userMasks);
  const builtin = useStore(builtinMasks);
  const hidden = useStore(hiddenMasks);
  const current = useStore(locale);
  const [query, setQuery] = useState("");
  const [lang, setLang] = useState<string>(current);
  const [showHidden, setShowHidden] = useState(false);
  const [editing, setEditing] = useState<Mask | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const m = t();

  useEffect(() => {
    if (!builtin.length) void loadMasks();
  }, []);

  const q = query.trim().toLowerCase();
  const hiddenSet = new Set(hidden);
  const shown = [...mine, ...builtin.filter((x) => showHidden || !hiddenSet.has(x.id))].filter(
    (x) =>
      (!lang || !x.lang || x.lang === lang) &&
      (!q || x.name.toLowerCase().includes(q) || (x.description ?? "").toLowerCase().includes(q) || x.context.some((c) => c.content.toLowerCase().includes(q))),
  );

  const importFile = async (f: File) => {
    try {
      const masks = parseMaskFile(await f.text());
      masks.forEach(saveMask);
      showToast({ text: m.maskImported(masks.length) });
    } catch (e) {
      showToast({ text: m.maskImportFailed(e instanceof Error ? e.message : String(e)) });
    }
  };

  return (
    <main class="masks-page">
      <header class="chat-head">
        <button type="button" class="icon-button" aria-label={m.back} onClick={() => go("chat")}>
          <Icon name="back" />
        </button>
        <div class="chat-heading">
          <h1>{m.masks}</h1>
          <p class="muted">{m.pickMask}</p>
        </div>
        <button type="button" class="button" onClick={() => startChat()}>
          {m.skipMask}
        </button>
      </header>
      <div class="masks-tools">
        <input type="search" aria-label={m.maskSearch} placeholder={m.maskSearch} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <select aria-label={m.maskLanguage} value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
          <option value="">{m.allLanguages}</option>
          <LanguageOptions />
        </select>
        <label class="check">
          <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.currentTarget.checked)} /> {m.showHidden}
        </label>
        <button type="button" class="button primary" onClick={() => setEditing(newMask({ lang: current }))}>
          <Icon name="plus" size={15} /> {m.newMask}
        </button>
        <button type="button" class="button" onClick={() => file.current?.click()}>
          {m.importMasks}
        </button>
        <input
          ref={file}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (f) void importFile(f);
          }}
        />
        {mine.length > 0 && (
          <button type="button" class="button" onClick={() => downloadText("chatnext-masks.json", maskFile(mine), "application/json")}>
            {m.exportMasks}
          </button>
        )}
      </div>
      <ul class="mask-grid">
        {shown.length === 0 && <li class="muted">{m.maskEmpty}</li>}
        {shown.map((mask) => (
          <li class="mask-card" key={mask.id} data-mask-id={mask.id}>
            <div class="mask-card-head">
              <span class="mask-avatar" aria-hidden="true">
                {mask.avatar}
              </span>
              <div>
                <h3>{mask.name}</h3>
                <p class="muted">
                  {mask.builtin ? `${m.builtin} · ` : ""}
                  {m.contextCount(mask.context.length)}
                </p>
              </div>
            </div>
            {mask.description && <p class="mask-description">{mask.description}</p>}
            <div class="mask-actions">
              <button type="button" class="button primary" onClick={() => startChat(mask)}>
                {m.maskChat}
              </button>
              {mask.builtin ? (
                <>
                  <button type="button" class="button" onClick={() => setEditing(cloneMask(mask, m.cloneSuffix, false))}>
                    {m.maskClone}
                  </button>
                  <button type="button" class="button" onClick={() => setHidden(mask.id, !hiddenSet.has(mask.id))}>
                    {hiddenSet.has(mask.id) ? m.maskShow : m.maskHide}
                  </button>
                </>
              ) : (
                <>
                  <button type="button" class="button" onClick={() => setEditing(mask)}>
                    {m.maskEdit}
                  </button>
                  <button type="button" class="button" onClick={() => cloneMask(mask, m.cloneSuffix)}>
                    {m.maskClone}
                  </button>
                  <button type="button" class="button" onClick={() => downloadText(`${mask.name || "mask"}.json`, maskFile([mask]), "application/json")}>
                    {m.export}
                  </button>
                  <button type="button" class="icon-button" aria-label={`${m.delete}: ${mask.name}`} title={m.delete} onClick={() => deleteMask(mask.id)}>
                    <Icon name="trash" size={15} />
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {editing && (
        <MaskEditor
          mask={editing}
          onClose={() => setEditing(null)}
          onSave={(saved) => {
            saveMask(saved);
            setEditing(null);
          }}
        />
      )}
    </main>
  );
}
