import { describe, expect, it } from "vitest";
import { avatarOf } from "./avatar";

describe("avatarOf", () => {
  it("turns NextChat's hex code points into the emoji", () => {
    expect(avatarOf("1f35e")).toBe("🍞");
    expect(avatarOf("1f9d1-200d-1f3eb")).toBe("🧑‍🏫");
  });
  it("keeps emoji and replaces names or garbage", () => {
    expect(avatarOf("🎭")).toBe("🎭");
    expect(avatarOf("gpt-bot")).toBe("🤖");
    expect(avatarOf("https://example.com/a.png")).toBe("🤖");
    expect(avatarOf(undefined)).toBe("🤖");
    expect(avatarOf("110000")).toBe("🤖"); // beyond Unicode
  });
});
