// Settings -> Data: back up everything to one file, or merge a file back in.
import { useId, useRef, useState } from "preact/hooks";
import { withTexts } from "../i18n";
import { exportEn } from "../i18n/export.en";
import { exportZhCN } from "../i18n/export.zh-CN";
import { makeBackup, mergeBackup, readBackup, type BackupData } from "../lib/backup";
import { backupFilename, cleanBackup, downloadText } from "../lib/exportChat";
import { collectAll, restoreAll } from "../state/backupIO";
import "./export.css";

// Its texts load with it, not with the first screen.
const t = withTexts({ en: exportEn, "zh-CN": exportZhCN });

type Status = { kind: "busy" | "ok" | "error"; text: string } | null;

const detail = (e: unknown) => (e instanceof Error ? e.message : String(e)) || "?";

async function backUp(includeKeys: boolean): Promise<string> {
  const name = backupFilename();
  downloadText(name, JSON.stringify(makeBackup(await collectAll(), includeKeys)), "application/json");
  return name;
}

/** Read, check, merge and store a file; resolves to the text to show. Nothing is written unless every check passed. */
async function restore(file: File): Promise<{ ok: boolean; text: string }> {
  const fail = (text: string) => ({ ok: false, text });
  let text: string;
  try {
    text = await file.text();
  } catch {
    return fail(t().backupErrorRead);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(t().backupErrorJson);
  }
  let incoming: BackupData;
  try {
    incoming = readBackup(json);
  } catch (e) {
    return fail(/newer/.test(detail(e)) ? t().backupErrorNewer : t().backupErrorNotBackup);
  }
  const { data, skipped } = cleanBackup(incoming);
  try {
    await restoreAll(mergeBackup(await collectAll(), data));
  } catch (e) {
    console.warn("[backup] restore failed", e);
    return fail(t().backupErrorWrite(detail(e)));
  }
  const summary = t().backupRestored(data.chats.length, data.messages.length, data.masks.length, data.prompts.length);
  return { ok: true, text: skipped ? `${summary}. ${t().backupSkipped(skipped)}` : summary };
}

export function BackupSection() {
  const [includeKeys, setIncludeKeys] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const busy = status?.kind === "busy";

  const run = async (work: () => Promise<Status>) => {
    setStatus({ kind: "busy", text: t().backupWorking });
    setStatus(await work());
  };

  return (
    <div class="backup" role="group" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t().backupTitle}</h3>
      <p class="backup-hint muted">{t().backupHint}</p>
      <label class="backup-check">
        <input type="checkbox" checked={includeKeys} onChange={(e) => setIncludeKeys(e.currentTarget.checked)} aria-describedby={`${id}-keys`} />
        <span>
          {t().backupIncludeKeys}
          <span id={`${id}-keys`} class="backup-hint muted">
            {t().backupIncludeKeysHint}
          </span>
        </span>
      </label>
      <div class="backup-actions">
        <button
          type="button"
          class="button primary"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              try {
                return { kind: "ok", text: t().backupSaved(await backUp(includeKeys)) };
              } catch (e) {
                return { kind: "error", text: t().backupErrorExport(detail(e)) };
              }
            })
          }
        >
          {t().backupDownload}
        </button>
        <button type="button" class="button" disabled={busy} aria-describedby={`${id}-restore`} onClick={() => input.current?.click()}>
          {t().backupRestore}
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => {
            const el = e.currentTarget;
            const file = el.files?.[0];
            el.value = ""; // choosing the same file again still fires
            if (file) void run(async () => restore(file).then((r) => ({ kind: r.ok ? "ok" : "error", text: r.text })));
          }}
        />
      </div>
      <p id={`${id}-restore`} class="backup-hint muted">
        {t().backupRestoreHint}
      </p>
      <p class={`backup-status ${status?.kind ?? ""}`} role="status" aria-live="polite">
        {status?.text}
      </p>
    </div>
  );
}
