// Images attached to the next question, from the picker, a paste or a drop.
// Checking and compressing them is in lib/images.ts, loaded on first use.
import { t } from "../i18n";
import { Store } from "../lib/store";
import { currentChat } from "./chats";
import { chatModel } from "./conversation";
import { isVisionModel, modelLabel, serverConfig } from "./serverConfig";
import { showToast } from "./ui";

/** Data URLs ready to send, and how many more are still being prepared. */
export const attachments = new Store({ images: [] as string[], pending: 0, gen: 0 });

/** The open chat's model, and whether it takes images. */
export function visionModel(): { model: string; vision: boolean } {
  const model = chatModel(currentChat());
  return { model, vision: isVisionModel(model, serverConfig.get()) };
}

export function refuseImages(model: string): void {
  showToast({ text: t().noVision(modelLabel(model, serverConfig.get())) });
}

export function clearAttachments(): void {
  attachments.set({ images: [], pending: 0, gen: attachments.get().gen + 1 });
}

export function attachFiles(files: File[]): void {
  const { model, vision } = visionModel();
  if (!vision) refuseImages(model);
  else if (files.length) void import("../lib/attachImages").then((m) => m.attach(files), () => showToast({ text: t().imageUnreadable(files[0].name) }));
}

export function removeAttachment(index: number): void {
  attachments.update((a) => ({ ...a, images: a.images.filter((_, i) => i !== index) }));
}
