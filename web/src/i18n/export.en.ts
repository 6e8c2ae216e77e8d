// Texts of the export and backup screens: loaded with them (through
// withTexts), not with the first screen.
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const exportEn = {
  // Export one conversation
  exportTitle: "Export conversation",
  exportClose: "Close",
  exportMessages: "Messages to include",
  exportSelectAll: "Select all",
  exportSelectNone: "None",
  exportSelected: (n: number, total: number) => `${n} of ${total} selected`,
  exportLoading: "Loading messages…",
  exportEmpty: "This conversation has no messages to export.",
  exportRoleSystem: "System",
  exportAs: "Export as",
  exportMarkdown: "Markdown",
  exportJson: "JSON",
  exportImage: "Image (PNG)",
  exportCopyMarkdown: "Copy as Markdown",
  exportCopied: "Copied to the clipboard.",
  exportCopyFailed: "The browser did not allow copying. Download the Markdown file instead.",
  exportSaved: (file: string) => `Saved ${file}`,
  exportRendering: "Drawing the image…",
  exportImageFailed: (detail: string) => `Could not make the image: ${detail}`,
  exportLoadFailed: "Could not read this conversation from the browser's storage.",
  // Backup and restore (settings, Data section)
  backupTitle: "Backup",
  backupHint: "All conversations, masks, prompts and settings of this browser in one file.",
  backupIncludeKeys: "Include access code and API keys",
  backupIncludeKeysHint: "Anyone who has the file can then use them.",
  backupDownload: "Back up everything",
  backupRestore: "Restore from a file",
  backupRestoreHint: "A chatnext backup or a NextChat Backup-*.json file. It is merged with what is here; nothing is deleted.",
  backupWorking: "Working…",
  backupSaved: (file: string) => `Saved ${file}`,
  backupRestored: (chats: number, messages: number, masks: number, prompts: number) =>
    `Restored: ${count(chats, "chat", "chats")}, ${count(messages, "message", "messages")}, ${count(masks, "mask", "masks")}, ${count(prompts, "prompt", "prompts")}`,
  backupSkipped: (n: number) => `${count(n, "damaged record was", "damaged records were")} skipped.`,
  backupErrorJson: "This file is not valid JSON, so it cannot be a backup. Nothing was changed.",
  backupErrorNotBackup: "This file is not a chatnext or NextChat backup. Nothing was changed.",
  backupErrorNewer: "This backup was made by a newer chatnext. Update this one, then try again. Nothing was changed.",
  backupErrorRead: "The file could not be read. Nothing was changed.",
  backupErrorWrite: (detail: string) => `Saving the restored data failed (${detail}). Nothing was changed.`,
  backupErrorExport: (detail: string) => `The backup failed: ${detail}`,
};
