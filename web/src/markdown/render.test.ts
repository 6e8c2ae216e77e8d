import { describe, expect, it } from "vitest";
import { isSafeHref, isSafeImageSrc, markdownToHtml, renderMarkdown } from "./render";
import { resolveLanguage } from "./enhance";

describe("markdownToHtml (marked stage, unsanitized)", () => {
  it("uses breaks: single newlines become <br>", () => {
    expect(markdownToHtml("line one\nline two")).toBe("<p>line one<br>line two</p>\n");
  });

  it("GFM tables with alignment", () => {
    const out = markdownToHtml("| a | b |\n|:--|--:|\n| 1 | 2 |");
    expect(out).toContain('<th align="left">a</th>');
    expect(out).toContain('<td align="right">2</td>');
  });

  it("task lists are disabled checkboxes", () => {
    expect(markdownToHtml("- [ ] todo\n- [x] done")).toBe(
      '<ul>\n<li><input disabled="" type="checkbox"> todo</li>\n' +
        '<li><input checked="" disabled="" type="checkbox"> done</li>\n</ul>\n',
    );
  });

  it("strikethrough and autolinks", () => {
    expect(markdownToHtml("~~old~~")).toBe("<p><del>old</del></p>\n");
    const out = markdownToHtml("see www.example.com or https://x.org/a?b=1 or me@example.com");
    expect(out).toContain('<a href="http://www.example.com">www.example.com</a>');
    expect(out).toContain('<a href="https://x.org/a?b=1">https://x.org/a?b=1</a>');
    expect(out).toContain('<a href="mailto:me@example.com">me@example.com</a>');
  });

  it("code blocks: language class, escaped body", () => {
    expect(markdownToHtml("```ts\nconst a = <T,>(x: T) => x && '1';\n```")).toBe(
      '<pre><code class="language-ts">const a = &lt;T,&gt;(x: T) =&gt; x &amp;&amp; &#39;1&#39;;\n</code></pre>\n',
    );
    expect(markdownToHtml("```\nplain\n```")).toBe("<pre><code>plain\n</code></pre>\n");
    expect(markdownToHtml("    indented")).toBe("<pre><code>indented\n</code></pre>\n");
  });

  it("escapes a hostile info string", () => {
    const out = markdownToHtml('```"><img/src=x>\nx\n```');
    expect(out).not.toContain("<img");
    expect(out).toContain('class="language-&quot;&gt;&lt;img/src=x&gt;"');
  });

  it("mermaid fences become placeholders with escaped source", () => {
    expect(markdownToHtml("```mermaid\ngraph TD\nA-->B<script>\n```")).toBe(
      '<div class="mermaid-block" data-src="graph TD\nA--&gt;B&lt;script&gt;">graph TD\nA--&gt;B&lt;script&gt;</div>\n',
    );
  });

  it("marks only a trailing unterminated fence as partial", () => {
    expect(markdownToHtml("text\n\n```python\nprint(1)")).toContain(
      '<pre data-partial=""><code class="language-python">print(1)\n</code></pre>',
    );
    expect(markdownToHtml("```\n```")).toBe("<pre><code>\n</code></pre>\n");
    expect(markdownToHtml("```js\nx\n```\n")).not.toContain("data-partial");
    expect(markdownToHtml("````\n```\nstill open")).toContain("data-partial");
    expect(markdownToHtml("~~~\nx\n~~~")).not.toContain("data-partial");
    // nested in the last list item / blockquote
    expect(markdownToHtml("1. step\n   ```sh\n   ls")).toContain("data-partial");
    expect(markdownToHtml("> ```\n> code")).toContain("data-partial");
    // an unterminated fence that is not at the end of the document is complete
    expect(markdownToHtml("> ```\n> code\n\nafter")).not.toContain("data-partial");
  });

  it("a streaming mermaid fence stays a plain code block", () => {
    const out = markdownToHtml("```mermaid\ngraph TD\nA-->");
    expect(out).not.toContain("mermaid-block");
    expect(out).toContain('<pre data-partial=""><code class="language-mermaid">');
  });

  it("raw HTML passes through this stage (the sanitizer handles it)", () => {
    expect(markdownToHtml("<b>x</b>")).toBe("<p><b>x</b></p>\n");
  });

  it("math placeholders are produced", () => {
    expect(markdownToHtml("$x$")).toBe('<p><span class="math-inline" data-tex="x">x</span></p>\n');
  });

  it("renders a ~40 KB answer quickly", () => {
    const chunk =
      "## Heading\n\nSome **bold** and `code` with $x^2$ and a [link](https://e.com).\n" +
      "Costs $5 and $10.\n\n- a\n- [x] b\n\n```python\nprint('hi')\n```\n\n" +
      "| a | b |\n|---|---|\n| 1 | 2 |\n\n$$\n\\int x\\,dx\n$$\n\n";
    const doc = chunk.repeat(Math.ceil(40_000 / chunk.length));
    markdownToHtml(doc); // warm up
    const t = performance.now();
    for (let i = 0; i < 5; i++) markdownToHtml(doc);
    // generous bound for slow CI machines; typically ~6 ms
    expect((performance.now() - t) / 5).toBeLessThan(100);
  });
});

describe("renderMarkdown without a DOM", () => {
  it("fails closed: escaped source, no markup", () => {
    expect(renderMarkdown("<img src=x onerror=alert(1)> **b**")).toBe(
      "<p>&lt;img src=x onerror=alert(1)&gt; **b**</p>",
    );
  });
});

describe("URL policy", () => {
  it.each(["https://a.b/c", "http://a.b", "HTTPS://A.B", "mailto:x@y.z", "#frag", " https://a.b"])(
    "allows href %s",
    (u) => expect(isSafeHref(u)).toBe(true),
  );
  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " \u0001javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/relative/path",
    "relative",
    "//evil.example",
    "tel:123",
    "",
  ])("rejects href %j", (u) => expect(isSafeHref(u)).toBe(false));
  it("images only from http(s)", () => {
    expect(isSafeImageSrc("https://i.example/a.png")).toBe(true);
    expect(isSafeImageSrc("data:image/png;base64,AAAA")).toBe(false);
    expect(isSafeImageSrc("blob:https://x/1")).toBe(false);
    expect(isSafeImageSrc("mailto:x@y")).toBe(false);
    expect(isSafeImageSrc("javascript:alert(1)")).toBe(false);
  });
});

describe("highlight language resolution (enhance)", () => {
  it("maps aliases to the bundled grammars", () => {
    expect(resolveLanguage("js")).toBe("javascript");
    expect(resolveLanguage("TSX")).toBe("typescript");
    expect(resolveLanguage("sh")).toBe("bash");
    expect(resolveLanguage("shell")).toBe("bash");
    expect(resolveLanguage("html")).toBe("xml");
    expect(resolveLanguage("c++")).toBe("cpp");
    expect(resolveLanguage("yml")).toBe("yaml");
    expect(resolveLanguage("patch")).toBe("diff");
    expect(resolveLanguage("go")).toBe("go");
  });
  it("unknown or missing languages get no highlighting", () => {
    expect(resolveLanguage("brainfuck")).toBeNull();
    expect(resolveLanguage("constructor")).toBeNull();
    expect(resolveLanguage("__proto__")).toBeNull();
    expect(resolveLanguage("")).toBeNull();
    expect(resolveLanguage(undefined)).toBeNull();
  });
});
