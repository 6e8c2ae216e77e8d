// Checking and compressing attached images; loaded on first attach, not with the page.
import { t } from "../i18n";
import { attachments } from "../state/attach";
import { showToast } from "../state/ui";
import { compressImage } from "./images";

export const MAX_IMAGES = 6;
export const MAX_IMAGE_MB = 20;

/** Attach what is an image (up to the limit), compressed; say why anything else is not. */
export async function attach(files: File[]): Promise<void> {
  const m = t();
  let problem = "";
  const { images, pending, gen } = attachments.get();
  const take: File[] = [];
  for (const f of files) {
    if (!f.type.startsWith("image/")) problem ||= m.notAnImage(f.name);
    else if (f.size > MAX_IMAGE_MB * 1024 * 1024) problem ||= m.imageTooLarge(f.name, MAX_IMAGE_MB);
    else if (images.length + pending + take.length >= MAX_IMAGES) problem ||= m.tooManyImages(MAX_IMAGES);
    else take.push(f);
  }
  if (problem) showToast({ text: problem });
  // Cleared meanwhile (sent, or another chat opened): what is still coming is dropped.
  const add = (more: string[], done: number) =>
    attachments.get().gen === gen && attachments.update((a) => ({ ...a, images: [...a.images, ...more], pending: a.pending - done }));
  add([], -take.length);
  for (const f of take) {
    try {
      add([await compressImage(f)], 1);
    } catch {
      add([], 1);
      showToast({ text: m.imageUnreadable(f.name) });
    }
  }
}
