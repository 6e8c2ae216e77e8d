// Reasoning written into the answer text: DeepSeek-R1 behind some providers,
// and Ollama, start the content with <think>...</think>. Only a block at the
// very start counts; a "<think>" later in an answer is the answer's own text.

export interface ThinkSplit {
  reasoning: string;
  content: string; // the answer, without the block
  open: boolean; // the block is not closed yet: still thinking
}

/**
 * "<think>a</think>b" -> reasoning "a", content "b"; reasoning that came
 * apart (reasoning_content) goes first. While streaming, a half-written tag is held back.
 */
export function splitThink(text: string, streaming = false, before = ""): ThinkSplit {
  const split = think(text, streaming);
  before = before.trim();
  return before ? { ...split, reasoning: split.reasoning ? `${before}\n\n${split.reasoning}` : before } : split;
}

function think(text: string, streaming: boolean): ThinkSplit {
  const m = /^\s*<think>([^]*?)(?:(<\/think>)\s*|$)/.exec(text);
  if (!m) {
    // "<thi" may become "<think>": show nothing yet rather than a flash of tag.
    const open = streaming && /^\s*<(t(h(i(nk?)?)?)?)?$/.test(text);
    return { reasoning: "", content: open ? "" : text, open };
  }
  // So may "</thi" at the end become "</think>".
  const reasoning = streaming && !m[2] ? m[1].replace(/<(\/(t(h(i(nk?)?)?)?)?)?$/, "") : m[1];
  return { reasoning: reasoning.trim(), content: text.slice(m[0].length), open: !m[2] };
}

/** The answer alone, as sent back in a later request's history. */
export function answerText(text: string): string {
  return splitThink(text).content;
}
