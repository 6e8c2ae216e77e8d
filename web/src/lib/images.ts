// Images for vision models, made small in the browser before they are sent:
// the longest side at most 1568 px (what Anthropic recommends; OpenAI scales
// to 2048 and then 768 on the short side anyway), JPEG at 0.85, under ~1 MB.
// A small image in a format every provider takes goes as it is; a transparent
// one stays PNG (or WebP) when that is small enough. Loaded on first attach,
// not with the page. The planning above the "browser only" line is pure.

export const MAX_SIDE = 1568;
export const TARGET_BYTES = 1_000_000;
export const QUALITY = 0.85;
const AS_IS = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/** The size to draw at: the longest side at most `max`, the aspect ratio kept, never enlarged. */
export function fitWithin(width: number, height: number, max = MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether a file can be sent unchanged: a format every provider takes, small in bytes and in pixels. */
export function canSendAsIs(type: string, bytes: number, width: number, height: number): boolean {
  return AS_IS.includes(type) && bytes <= TARGET_BYTES && Math.max(width, height) <= MAX_SIDE;
}

/** The sizes to try, largest first: each step 3/4 of the one before, while one of them is still too many bytes. */
export function sizeSteps(width: number, height: number, steps = 4): { width: number; height: number }[] {
  const first = fitWithin(width, height);
  const out = [first];
  for (let i = 1; i < steps; i++) out.push(fitWithin(first.width, first.height, Math.round(Math.max(first.width, first.height) * 0.75 ** i)));
  return out;
}

// ---------------------------------------------------------------------------
// browser only

type Canvas = OffscreenCanvas | HTMLCanvasElement;
type Source = ImageBitmap | HTMLImageElement;

async function decode(file: Blob): Promise<{ source: Source; width: number; height: number; close: () => void }> {
  try {
    const bitmap = await createImageBitmap(file);
    return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
  } catch {
    // SVG, for one, decodes only through an <img> (which runs no script in it).
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      if (!img.naturalWidth) throw new Error("no size");
      return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => undefined };
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

function canvas(width: number, height: number): Canvas {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  const c = document.createElement("canvas");
  c.width = width;
  c.height = height;
  return c;
}

function draw(source: Source, width: number, height: number, background?: string): { c: Canvas; ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D } {
  const c = canvas(width, height);
  const ctx = c.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error("no 2d canvas");
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height);
  }
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(source, 0, 0, width, height);
  return { c, ctx };
}

function encode(c: Canvas, type: string, quality?: number): Promise<Blob> {
  if ("convertToBlob" in c) return c.convertToBlob({ type, quality });
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error("encoding failed"))), type, quality));
}

function transparent(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, width: number, height: number): boolean {
  const data = ctx.getImageData(0, 0, width, height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i] < 255) return true;
  return false;
}

export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** An image file -> a data URL small enough to send; throws when the browser cannot read it as an image. */
export async function compressImage(file: Blob): Promise<string> {
  const img = await decode(file);
  try {
    if (canSendAsIs(file.type, file.size, img.width, img.height)) return await blobToDataUrl(file);
    let best: Blob | null = null;
    for (const size of sizeSteps(img.width, img.height)) {
      if (file.type !== "image/jpeg") {
        const { c, ctx } = draw(img.source, size.width, size.height);
        if (transparent(ctx, size.width, size.height)) {
          for (const [type, q] of [["image/png"], ["image/webp", QUALITY]] as const) {
            const b = await encode(c, type, q);
            if (b.type === type && b.size <= TARGET_BYTES) return await blobToDataUrl(b);
          }
        }
      }
      // No transparency (or too big with it): JPEG, on white where it was see-through.
      const { c } = draw(img.source, size.width, size.height, "#fff");
      for (const q of [QUALITY, 0.7]) {
        best = await encode(c, "image/jpeg", q);
        if (best.size <= TARGET_BYTES) return await blobToDataUrl(best);
      }
    }
    return await blobToDataUrl(best!);
  } finally {
    img.close();
  }
}
