import { useLayoutEffect, useRef } from "preact/hooks";
import { enhance } from "../markdown/enhance";
import { renderMarkdown } from "../markdown/render";

/**
 * Rendered, sanitised markdown. While an answer streams only its text is
 * re-rendered; highlighting, formulas and diagrams come once it is done.
 */
export function Markdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = useRef<string | null>(null);
  useLayoutEffect(() => {
    const el = ref.current!;
    if (shown.current !== text) {
      el.innerHTML = renderMarkdown(text); // sanitised after rendering, inside renderMarkdown
      shown.current = text;
    }
    if (!streaming) void enhance(el, { final: true });
  }, [text, streaming]);
  return <div class="markdown" ref={ref} />;
}
