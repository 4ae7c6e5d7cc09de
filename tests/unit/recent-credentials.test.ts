import { describe, expect, it } from "vitest";
import { RecentCredentials } from "@/lib/auth/recent-credentials";

describe("RecentCredentials", () => {
  it("remembers a verified password for its time only", () => {
    let now = 1000;
    const r = new RecentCredentials(60_000, 10, () => now);
    expect(r.has("u1", "hash1", "pw")).toBe(false);
    r.remember("u1", "hash1", "pw");
    expect(r.has("u1", "hash1", "pw")).toBe(true);
    now += 60_001;
    expect(r.has("u1", "hash1", "pw")).toBe(false);
  });

  it("never matches another password, user or stored hash (a changed password)", () => {
    const r = new RecentCredentials();
    r.remember("u1", "hash1", "pw");
    expect(r.has("u1", "hash1", "pw ")).toBe(false);
    expect(r.has("u2", "hash1", "pw")).toBe(false);
    expect(r.has("u1", "hash2", "pw")).toBe(false);
  });

  it("stays bounded", () => {
    const r = new RecentCredentials(60_000, 3);
    for (const p of ["a", "b", "c", "d"]) r.remember("u", "h", p);
    expect(["a", "b", "c", "d"].map((p) => r.has("u", "h", p))).toEqual([false, true, true, true]);
  });
});
