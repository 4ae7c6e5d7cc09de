import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeNext } from "@/lib/auth/redirect";

const ORIGIN = "http://warren.test";

/** What a browser does with the value as a Location: resolve it against Warren's page. */
function landsOn(next: string): string {
  return new URL(next, `${ORIGIN}/login?next=x`).origin;
}

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
  // Issue #22.1: the dot segment is removed by the URL parser and leaves "//host" as the path.
  it("dot segments that leave a protocol-relative path are refused (issue #22.1)", () => {
    for (const bad of ["/.//127.0.0.1:8099/x", "/..//127.0.0.1:8099/x", "/%2e//127.0.0.1:8099/x", "/%2E%2e//127.0.0.1:8099/x", "/a/b/../..//127.0.0.1:8099/x", "/.///127.0.0.1:8099/x"]) {
      const r = safeNext(bad);
      expect(landsOn(r), `${bad} → ${r}`).toBe(ORIGIN);
      expect(r, bad).not.toMatch(/^.[/\\]/);
    }
  });
});

// Pieces an attacker combines: slashes, backslashes, dot segments (plain and
// percent-encoded, any case), whitespace and control characters browsers strip,
// encoded slashes, and other origins' names.
const piece = fc.constantFrom(
  "/", "//", "\\", "/\\", "\\/", ".", "..", "./", "../", "%2e", "%2E", "%2e%2E", "%2E%2E", "%2e.", ".%2e", "%2f", "%2F", "%5c", "%5C",
  " ", "\t", "\n", "\r", "\u0000", "\u000b", "\u00a0", "%09", "%0a", "%20", "@", ":", ";", "?", "#", "&", "=",
  "127.0.0.1:8099", "evil.example", "[::1]", "a", "b", "hosts", "x", "https:", "http:", "javascript:", "\u3002", "%E3%80%82",
);
const attack = fc.array(piece, { minLength: 1, maxLength: 12 }).map((a) => a.join(""));
const anyPrefixed = fc.tuple(fc.constantFrom("", "/", "//", "\\", "/.", "/..", "/%2e", " /", "\t/"), attack).map(([p, a]) => p + a);

describe("safeNext, property: whatever it is given, the browser stays on Warren", () => {
  it("the result, resolved by the WHATWG URL parser against Warren's origin, keeps that origin and is never protocol-relative", () => {
    fc.assert(
      fc.property(fc.oneof(anyPrefixed, fc.string({ maxLength: 40 }), fc.webPath(), fc.webUrl().map((u) => u.replace(/^https?:/, ""))), (next) => {
        const r = safeNext(next);
        expect(r.startsWith("/"), r).toBe(true);
        expect(r, "protocol-relative").not.toMatch(/^.[/\\]/);
        // Nothing a browser strips or reinterprets before resolving (leading C0 and spaces, tabs, newlines).
        // eslint-disable-next-line no-control-regex
        expect(r).not.toMatch(/[\u0000-\u0020\\]/);
        expect(landsOn(r)).toBe(ORIGIN);
        // Checked once, checked for good: the result passes through unchanged.
        expect(safeNext(r)).toBe(r);
      }),
      { numRuns: 20_000 },
    );
  });
  it("Warren's own paths come back as they were", () => {
    const seg = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), fc.option(fc.stringMatching(/^[a-z0-9=&]{1,12}$/)), (segs, q) => {
        const p = `/${segs.join("/")}${q ? `?${q}` : ""}`;
        expect(safeNext(p)).toBe(p);
      }),
    );
  });
});
