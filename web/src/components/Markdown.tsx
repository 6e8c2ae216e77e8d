import { useLayoutEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import { renderMarkdownBlocks } from "../markdown/render";

// Highlighting, formulas and diagrams are for finished answers: their code
// (small itself, it loads the heavy libraries on demand) is not on the first screen.
let enhancer: Promise<typeof import("../markdown/enhance")> | null = null;
async function enhanceLater(el: HTMLElement): Promise<void> {
  enhancer ??= import("../markdown/enhance");
  let m: typeof import("../markdown/enhance");
  try {
    m = await enhancer;
  } catch {
    enhancer = null; // offline and not cached: plain text now, try again next time
    return;
  }
  m.setEnhanceLabels({ copy: t().copyCode, copied: t().copied }); // in the language shown now
  await m.enhance(el, { final: true });
}

/**
 * Rendered, sanitised markdown, one wrapper per top-level block. When the
 * text grows (a streaming answer), only blocks whose HTML changed are
 * replaced, so the cost per update stays flat however long the answer is.
 * Highlighting, formulas and diagrams come once the text is final.
 */
export function Markdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = useRef<{ text: string; blocks: string[] }>({ text: "\u0000", blocks: [] });
  useLayoutEffect(() => {
    const el = ref.current!;
    if (shown.current.text !== text) {
      const blocks = renderMarkdownBlocks(text); // sanitised after rendering, inside
      const before = shown.current.blocks;
      let same = 0;
      while (same < before.length && same < blocks.length && before[same] === blocks[same] && el.children[same]) same++;
      while (el.children.length > same) el.lastElementChild!.remove();
      for (let i = same; i < blocks.length; i++) {
        const block = document.createElement("div");
        block.className = "md-block";
        block.innerHTML = blocks[i];
        el.appendChild(block);
      }
      shown.current = { text, blocks };
    }
    if (!streaming) void enhanceLater(el);
  }, [text, streaming]);
  return <div class="markdown" ref={ref} />;
}
