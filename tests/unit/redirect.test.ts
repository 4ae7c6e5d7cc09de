import { describe, expect, it } from "vitest";
import { safeNext } from "@/lib/auth/redirect";

describe("safeNext: only same-origin paths after login", () => {
  it("keeps Warren's own paths", () => {
    expect(safeNext("/clusters/abc?x=1#top")).toBe("/clusters/abc?x=1#top");
    expect(safeNext("/")).toBe("/");
  });
  it("refuses every spelling a browser reads as another origin", () => {
    for (const bad of ["//evil.example", "/\\evil.example", "\\/evil.example", "/\\/evil.example", "https://evil.example", "https:evil.example",
      "\t//evil.example", "/\t/evil.example", "/\n/evil.example", " //evil.example", "//evil.example/%2F..", "javascript:alert(1)", "evil.example", "",
      "/%0a/evil.example".replace("%0a", "\n"), "/\u0000//evil"]) {
      expect(safeNext(bad), JSON.stringify(bad)).toBe("/");
    }
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext("/" + "a".repeat(3000))).toBe("/");
  });
  it("normalises dot segments without leaving the origin", () => {
    expect(safeNext("/a/../../hosts")).toBe("/hosts");
  });
});
