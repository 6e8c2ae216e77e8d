// Mermaid diagrams for rendered markdown: loaded on first use, rendered in
// strict mode, and the SVG sanitized again before it reaches the page.
import DOMPurify, { type DOMPurify as Purifier } from "dompurify";
import { lazy } from "./lazy";
import { hardenLink, isSafeHref, isSafeImageSrc } from "./render";

const DONE = "data-enhanced";


type Mermaid = (typeof import("mermaid"))["default"];

let mermaidTheme: string | null = null;
let mermaidSeq = 0;

function currentMermaidTheme(): "dark" | "default" {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "default";
}

const loadMermaid = lazy(async () => (await import("mermaid")).default);

function initMermaid(mermaid: Mermaid): void {
  const theme = currentMermaidTheme();
  if (theme === mermaidTheme) return;
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme,
    // Throw instead of drawing the "bomb" error diagram; we show our own.
    suppressErrorRendering: true,
    maxTextSize: 50_000,
  });
  mermaidTheme = theme;
}

let svgPurifier: Purifier | null = null;

function getSvgPurifier(): Purifier {
  if (svgPurifier) return svgPurifier;
  const p = DOMPurify(window);
  p.setConfig({
    USE_PROFILES: { svg: true, svgFilters: true, html: true },
    // Mermaid puts HTML labels inside <foreignObject>.
    ADD_TAGS: ["foreignObject"],
    ADD_ATTR: ["dominant-baseline"],
    HTML_INTEGRATION_POINTS: { foreignobject: true },
    FORBID_TAGS: [
      "script", "iframe", "object", "embed", "form", "input", "button", "textarea",
      "select", "option", "audio", "video", "source", "track", "link", "meta", "base",
      "animate", "set", "template",
    ],
    FORBID_ATTR: ["srcset", "action", "formaction", "ping"],
  });
  p.addHook("afterSanitizeAttributes", (node) => {
    const el = node as Element;
    if (el.nodeType !== 1) return;
    for (const attr of ["href", "xlink:href"]) {
      const v = el.getAttribute(attr);
      if (v != null && !isSafeHref(v)) el.removeAttribute(attr);
    }
    const src = el.getAttribute("src");
    if (src != null && !isSafeImageSrc(src)) el.removeAttribute("src");
    if (el.nodeName.toLowerCase() === "a") hardenLink(el);
    else el.removeAttribute("target");
  });
  return (svgPurifier = p);
}

/** Remove the scratch elements mermaid leaves in <body> (it uses ids "d"+id, "i"+id, id). */
function cleanupMermaidScratch(id: string, keepInside: Element): void {
  for (const x of [`d${id}`, `i${id}`, id]) {
    const n = document.getElementById(x);
    if (n && !keepInside.contains(n)) n.remove();
  }
}

function showMermaidError(el: HTMLElement, src: string, err: unknown, errorLabel: string): void {
  const pre = document.createElement("pre");
  pre.className = "mermaid-source";
  pre.setAttribute(DONE, "1"); // no toolbar for the failed source
  pre.textContent = src;
  const note = document.createElement("div");
  note.className = "mermaid-error";
  const msg = (err instanceof Error ? err.message : String(err ?? "")).split("\n")[0].slice(0, 200);
  note.textContent = msg ? `${errorLabel}: ${msg}` : errorLabel;
  el.replaceChildren(pre, note);
  el.classList.add("mermaid-failed");
}

export async function enhanceMermaid(els: HTMLElement[], errorLabel: string): Promise<void> {
  let mermaid: Mermaid;
  try {
    mermaid = await loadMermaid();
    initMermaid(mermaid);
  } catch (e) {
    for (const el of els) el.removeAttribute(DONE);
    console.warn("[markdown] loading mermaid failed", e);
    return;
  }
  const purify = getSvgPurifier();
  // One at a time: mermaid keeps global state while rendering.
  for (const el of els) {
    if (!el.isConnected) {
      // Replaced by a newer render meanwhile; leave it for a later call.
      el.removeAttribute(DONE);
      continue;
    }
    const src = el.getAttribute("data-src") ?? el.textContent ?? "";
    el.setAttribute("data-src", src);
    const id = `mermaid-${Date.now().toString(36)}-${++mermaidSeq}`;
    try {
      const { svg } = await mermaid.render(id, src);
      const clean = purify.sanitize(svg) as string;
      if (!clean.includes("<svg")) throw new Error("empty diagram");
      el.innerHTML = clean;
      el.classList.add("mermaid-rendered");
    } catch (e) {
      showMermaidError(el, src, e, errorLabel);
    } finally {
      cleanupMermaidScratch(id, el);
    }
    el.setAttribute(DONE, "1");
  }
}
