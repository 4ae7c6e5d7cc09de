import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actionBodyKind, checkArguments, checkMultipart, jsonDepth, MAX_DEPTH, resolvesWithin } from "@/lib/api/action-request";

// Issue #22.7: malformed server-action payloads are refused with a 4xx before
// React's decoder sees them (it answered 500 and logged the input). The
// bodies below are what Chromium sent for Warren's own forms (captured from
// the login, token and user forms), then the probe's payloads.

describe("server-action bodies React's client sends for Warren's actions pass", () => {
  it("a form action: [prevState, FormData] as multipart with _1_ fields", () => {
    expect(checkMultipart([["0", '["$undefined","$K1"]'], ["_1_next", "/"], ["_1_username", "admin"], ["_1_password", "x"]])).toBeNull();
    expect(checkMultipart([["0", '[{"ok":false,"message":"Wrong username or password"},"$K1"]'], ["_1_username", "admin"]])).toBeNull();
  });
  it("plain arguments as text: ids, objects, escaped '$' strings, literals, dates, and an object sent twice", () => {
    expect(checkArguments('["c1","setup",{"clusterName":"x","ha":{"mode":"all","pattern":"$$HOME"}}]', false)).toBeNull();
    expect(checkArguments('["r1","now","$undefined","$NaN","$-0","$Infinity","$n12","$D2026-12-04T20:00:00.000Z"]', false)).toBeNull();
    expect(checkArguments('["c1",{"a":{"x":1},"b":"$0:1:a"}]', false)).toBeNull();
  });
});

describe("malformed server-action bodies are refused (issue #22.7)", () => {
  it("the probe's payloads: a reference to a missing part, not JSON, deep nesting", () => {
    expect(checkArguments('["$Q1"]', false)?.status).toBe(400);
    expect(checkArguments("not json {", false)?.status).toBe(400);
    expect(checkArguments("[".repeat(100_000) + "]".repeat(100_000), false)?.message).toMatch(/nest/);
    expect(checkArguments('{"a":1}', false)?.message).toMatch(/list/);
  });
  it("every reference kind that needs another part, in text and multipart bodies", () => {
    for (const ref of ["$@1", "$h1", "$T", "$Q1", "$W1", "$K1", "$i1", "$A1", "$B1", "$R1", "$X1", "$1", "$F1", "$nabc", "$Dnot-a-date", "$1:__proto__:then", "$0:__proto__", "$0:9:x", "$0:0"]) {
      expect(checkArguments(JSON.stringify([null, ref]), false)?.status, ref).toBe(400);
    }
    for (const ref of ["$@1", "$h1", "$Q1", "$1:constructor"]) expect(checkMultipart([["0", JSON.stringify([ref])]])?.status, ref).toBe(400);
    expect(checkArguments('[{"__proto__":{"then":1}}]', false)?.status).toBe(400);
  });
  it("multipart bodies without their arguments, or with parts that are not form fields", () => {
    expect(checkMultipart([["_1_x", "y"]])?.status).toBe(400);
    expect(checkMultipart([["0", "[]"], ["0", "[]"]])?.status).toBe(400);
    expect(checkMultipart([["0", '["$K1"]'], ["1", '{"a":1}']])?.status).toBe(400);
  });
  it("only multipart and text bodies are action bodies", () => {
    expect(actionBodyKind("multipart/form-data; boundary=x")).toBe("multipart");
    expect(actionBodyKind("text/plain;charset=UTF-8")).toBe("text");
    expect(actionBodyKind("application/json")).toMatchObject({ status: 415 });
    expect(actionBodyKind(null)).toMatchObject({ status: 415 });
  });
  it("property: any JSON the decoder would see deeper than the bound is refused, and the depth is counted exactly", () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 40 }), (v) => {
      const text = JSON.stringify([v]);
      let depth = 0;
      const walk = (x: unknown, d: number): void => {
        if (x && typeof x === "object") {
          depth = Math.max(depth, d);
          for (const y of Object.values(x)) walk(y, d + 1);
        }
      };
      walk([v], 1);
      expect(jsonDepth(text)).toBe(depth);
      if (depth > MAX_DEPTH) expect(checkArguments(text, false)?.status).toBe(400);
    }), { numRuns: 500 });
  });
  it("property: a reference is accepted only when it resolves to an object of the arguments", () => {
    const args = [{ a: { b: [1, { c: 2 }] } }, "x"];
    fc.assert(fc.property(fc.array(fc.constantFrom("0", "1", "a", "b", "c", "__proto__", "constructor", "length", ""), { maxLength: 5 }), (path) => {
      const ref = ["$0", ...path].join(":");
      let cur: unknown = args, ok = true;
      for (const k of path) {
        if (k === "__proto__" || !cur || typeof cur !== "object" || !Object.hasOwn(cur, k)) { ok = false; break; }
        cur = (cur as Record<string, unknown>)[k];
      }
      expect(resolvesWithin(args, ref)).toBe(ok && !!cur && typeof cur === "object");
    }));
  });
});
