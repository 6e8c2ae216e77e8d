import { describe, expect, it } from "vitest";
import { Marked } from "marked";
import { escapeHtml, mathExtension, mathPlaceholder } from "./math";

const md = new Marked({ gfm: true, breaks: true, async: false }, mathExtension());
const html = (src: string) => md.parse(src) as string;

const inline = (tex: string) => `<span class="math-inline" data-tex="${escapeHtml(tex)}">${escapeHtml(tex)}</span>`;
const displaySpan = (tex: string) => `<span class="math-display" data-tex="${escapeHtml(tex)}">${escapeHtml(tex)}</span>`;
const displayDiv = (tex: string) => `<div class="math-display" data-tex="${escapeHtml(tex)}">${escapeHtml(tex)}</div>`;

describe("escapeHtml / mathPlaceholder", () => {
  it("escapes markup and quotes", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
  it("builds the three placeholder shapes", () => {
    expect(mathPlaceholder("a<b", false)).toBe('<span class="math-inline" data-tex="a&lt;b">a&lt;b</span>');
    expect(mathPlaceholder("x", true)).toBe('<span class="math-display" data-tex="x">x</span>');
    expect(mathPlaceholder("x", true, true)).toBe('<div class="math-display" data-tex="x">x</div>\n');
  });
});

describe("inline math", () => {
  it("$...$", () => {
    expect(html("Euler: $e^{i\\pi}+1=0$.")).toBe(`<p>Euler: ${inline("e^{i\\pi}+1=0")}.</p>\n`);
  });
  it("\\(...\\)", () => {
    expect(html("so \\(a_1 + b_2\\) holds")).toBe(`<p>so ${inline("a_1 + b_2")} holds</p>\n`);
  });
  it("keeps markdown syntax inside math untouched", () => {
    expect(html("$a_1 * b_1 * c$ and $x_i$")).toBe(`<p>${inline("a_1 * b_1 * c")} and ${inline("x_i")}</p>\n`);
  });
  it("escapes TeX in attribute and text", () => {
    expect(html('$a<b & c>"d"$')).toBe(`<p>${inline('a<b & c>"d"')}</p>\n`);
    expect(html('$a<b & c>"d"$')).toContain('data-tex="a&lt;b &amp; c&gt;&quot;d&quot;"');
  });
  it("allows escaped dollars inside", () => {
    expect(html("$\\$5 + x$")).toBe(`<p>${inline("\\$5 + x")}</p>\n`);
  });
  it("works next to CJK text", () => {
    expect(html("函数$f(x)$的值")).toBe(`<p>函数${inline("f(x)")}的值</p>\n`);
  });
  it("$$...$$ and \\[...\\] inside a line become display spans", () => {
    expect(html("see $$x^2$$ here")).toBe(`<p>see ${displaySpan("x^2")} here</p>\n`);
    expect(html("see \\[y\\] here")).toBe(`<p>see ${displaySpan("y")} here</p>\n`);
  });
  it("works inside emphasis, lists and tables", () => {
    expect(html("**bold $x$**")).toBe(`<p><strong>bold ${inline("x")}</strong></p>\n`);
    expect(html("- $a$\n- b")).toBe(`<ul>\n<li>${inline("a")}</li>\n<li>b</li>\n</ul>\n`);
    expect(html("| h |\n|---|\n| $x^2$ |")).toContain(`<td>${inline("x^2")}</td>`);
  });
});

describe("money is not math", () => {
  it.each([
    "It costs $5 and $10.",
    "Cost: $3.50, tax $0.20",
    "between $ 5 and 6 $",
    "US$5 and x$y$",
    "$x$5",
    "$5",
    "a lone $ sign",
    "$$",
    "$ $",
  ])("%s", (src) => {
    expect(html(src)).not.toContain("math-");
  });
  it("escaped dollars stay text", () => {
    expect(html("\\$5 and \\$6")).toBe("<p>$5 and $6</p>\n");
  });
  it("inline $ math does not cross lines", () => {
    expect(html("$a\nb$")).not.toContain("math-");
  });
});

describe("display math blocks", () => {
  it("$$ on their own lines", () => {
    expect(html("$$\n\\int_0^1 x\\,dx\n$$")).toBe(displayDiv("\\int_0^1 x\\,dx") + "\n");
  });
  it("single-line $$...$$ block", () => {
    expect(html("$$E=mc^2$$")).toBe(displayDiv("E=mc^2") + "\n");
  });
  it("\\[ ... \\] block", () => {
    expect(html("\\[\n\\frac{a}{b}\n\\]")).toBe(displayDiv("\\frac{a}{b}") + "\n");
  });
  it("interrupts a paragraph without a blank line and resumes after", () => {
    expect(html("where:\n$$\nx^2\n$$\nthen")).toBe(`<p>where:</p>\n${displayDiv("x^2")}\n<p>then</p>\n`);
  });
  it("inside list items and blockquotes", () => {
    expect(html("1. item\n   $$\n   y\n   $$")).toContain(displayDiv("y"));
    expect(html("> $$\n> z\n> $$")).toBe(`<blockquote>\n${displayDiv("z")}\n</blockquote>\n`);
  });
  it("multi-line environments keep their line breaks", () => {
    const tex = "\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}";
    expect(html(`$$\n${tex}\n$$`)).toBe(displayDiv(tex) + "\n");
  });
  it("an unclosed $$ does not swallow later paragraphs", () => {
    const out = html("$$\nx\n\nNext paragraph\n\n$$ y");
    expect(out).not.toContain("math-display");
    expect(out).toContain("<p>Next paragraph</p>");
  });
  it("a paragraph line that merely contains $$ is not split", () => {
    expect(html("a $$ b\nc")).toBe("<p>a $$ b<br>c</p>\n");
  });
});

describe("code is never math", () => {
  it("code spans", () => {
    expect(html("`$x$` and `\\(y\\)`")).toBe("<p><code>$x$</code> and <code>\\(y\\)</code></p>\n");
  });
  it("fenced and indented code blocks", () => {
    expect(html("```\n$x$ \\[y\\]\n$$\nz\n$$\n```")).not.toContain("math-");
    expect(html("    $$x$$\n    $y$")).not.toContain("math-");
  });
});
