import { describe, expect, it } from "vitest";
import { chatDeltas, sseData, StreamError } from "./sse";

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(enc.encode(p));
      controller.close();
    },
  });
}

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe("sseData", () => {
  it("joins lines split across chunks and stops at [DONE]", async () => {
    const text = chunk("Hel") + chunk("lo") + "data: [DONE]\n\n";
    const parts = [text.slice(0, 7), text.slice(7, 40), text.slice(40, 41), text.slice(41)];
    const got = await collect(sseData(streamOf(...parts)));
    expect(got.map((p) => JSON.parse(p).choices[0].delta.content)).toEqual(["Hel", "lo"]);
  });

  it("handles CRLF, comments and multi-line data", async () => {
    const got = await collect(sseData(streamOf(": ping\r\n\r\ndata: a\r\ndata: b\r\n\r\ndata: [DONE]\r\n\r\n")));
    expect(got).toEqual(["a\nb"]);
  });

  it("splits multi-byte characters safely", async () => {
    const enc = new TextEncoder().encode(chunk("你好") + "data: [DONE]\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < enc.length; i += 5) c.enqueue(enc.slice(i, i + 5));
        c.close();
      },
    });
    const got = await collect(chatDeltas(stream));
    expect(got.map((d) => d.content).join("")).toBe("你好");
  });

  it("treats a stream without [DONE] as an error, after yielding what arrived", async () => {
    const seen: string[] = [];
    await expect(async () => {
      for await (const d of chatDeltas(streamOf(chunk("partial")))) seen.push(d.content);
    }).rejects.toThrow(StreamError);
    expect(seen).toEqual(["partial"]);
  });

  it("accepts [DONE] without a trailing blank line", async () => {
    expect(await collect(sseData(streamOf(chunk("x") + "data: [DONE]")))).toHaveLength(1);
  });
});

describe("chatDeltas", () => {
  it("throws the upstream's error event with its code", async () => {
    const err = `data: {"error": {"message": "the upstream connection broke mid-answer", "code": "upstream_stream_broken"}}\n\n`;
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const d of chatDeltas(streamOf(chunk("Hi"), err))) seen.push(d.content);
    } catch (e) {
      caught = e;
    }
    expect(seen).toEqual(["Hi"]);
    expect(caught).toBeInstanceOf(StreamError);
    expect((caught as StreamError).code).toBe("upstream_stream_broken");
  });

  it("reads reasoning and usage", async () => {
    const events = [
      `data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: "think" } }] })}\n\n`,
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } })}\n\n`,
      "data: [DONE]\n\n",
    ];
    const got = await collect(chatDeltas(streamOf(...events)));
    expect(got[0].reasoning).toBe("think");
    expect(got[1].usage).toEqual({ prompt_tokens: 3, completion_tokens: 4 });
  });
});
