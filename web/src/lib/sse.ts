// Server-sent events over fetch: one async generator, a carry-over buffer
// for lines split across network chunks, and a missing [DONE] treated as an
// error, because a stream cut short must never look like a finished answer.

export class StreamError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "StreamError";
  }
}

/** Split a byte stream into SSE `data:` payloads; ends on `[DONE]`. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        let line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.endsWith("\r")) line = line.slice(0, -1);
        if (line === "") {
          if (data.length) {
            const payload = data.join("\n");
            data = [];
            if (payload === "[DONE]") return;
            yield payload;
          }
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        }
        // Comments (":") and other fields (event:, id:, retry:) carry nothing we use.
      }
      if (done) break;
    }
    if (buffer.startsWith("data:")) data.push(buffer.slice(buffer.startsWith("data: ") ? 6 : 5));
    if (data.length && data.join("\n") === "[DONE]") return;
    if (data.length) yield data.join("\n");
    throw new StreamError("the answer ended before it was complete", "stream_incomplete");
  } finally {
    reader.releaseLock();
  }
}

export interface ChatDelta {
  content: string;
  reasoning: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  model?: string;
}

/** OpenAI chat.completion.chunk events -> text deltas; error events throw. */
export async function* chatDeltas(body: ReadableStream<Uint8Array>): AsyncGenerator<ChatDelta> {
  for await (const payload of sseData(body)) {
    let event: any;
    try {
      event = JSON.parse(payload);
    } catch {
      continue; // a keep-alive or a provider's stray line is not an answer
    }
    if (event && event.error) {
      const err = event.error;
      throw new StreamError(typeof err === "string" ? err : err.message || "upstream error", err.code || "upstream_error");
    }
    const delta = event?.choices?.[0]?.delta ?? {};
    yield {
      content: typeof delta.content === "string" ? delta.content : "",
      reasoning: typeof delta.reasoning_content === "string" ? delta.reasoning_content : "",
      usage: event?.usage ?? undefined,
      model: typeof event?.model === "string" ? event.model : undefined,
    };
  }
}
