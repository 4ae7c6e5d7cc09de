import { describe, expect, it, vi } from "vitest";

// The audit log is a database write; here only the throttle's decisions matter.
vi.mock("@/lib/audit", () => ({ audit: vi.fn(async () => {}) }));
const { audit } = await import("@/lib/audit");
const { throttle, TooManyAttemptsError, ACCOUNT_FAILURES, ADDRESS_FAILURES } = await import("@/lib/auth/throttle");
const { tokenRole } = await import("@/lib/auth/roles");

describe("login throttling", () => {
  it("successful logins never use up the address's allowance (an API client with Basic credentials)", async () => {
    const t = throttle();
    for (let i = 0; i < ADDRESS_FAILURES * 3; i++) {
      await expect(t.attempt("ci", "10.0.0.1")).resolves.toBeUndefined();
      await t.succeeded("ci", "10.0.0.1");
    }
    // The address still has its whole allowance of failures: all but the last are let through.
    for (let i = 0; i < ADDRESS_FAILURES - 1; i++) {
      await expect(t.attempt(`guess${i}`, "10.0.0.1")).resolves.toBeUndefined();
      await t.failed(`guess${i}`, "10.0.0.1");
    }
  });
  it(`${ACCOUNT_FAILURES} failures block the account with Retry-After; other accounts go on`, async () => {
    const t = throttle();
    for (let i = 0; i < ACCOUNT_FAILURES; i++) {
      await t.attempt("alice", `10.0.1.${i}`);
      await t.failed("alice", `10.0.1.${i}`);
    }
    const e = await t.attempt("alice", "10.0.2.1").catch((x) => x);
    expect(e).toBeInstanceOf(TooManyAttemptsError);
    expect(e.retryAfterS).toBeGreaterThan(0);
    await t.attempt("bob", "10.0.2.1");
  });
  // Issue #22.3: 320 requests with 8 KB X-Forwarded-For values wrote 320 audit rows.
  it("a flood of failures from one source, on any number of accounts, writes one audit row a minute", async () => {
    const t = throttle();
    vi.mocked(audit).mockClear();
    for (let i = 0; i < 60; i++) await t.failed(`user${i}-${"x".repeat(50)}`, "10.0.3.1");
    const rows = vi.mocked(audit).mock.calls.filter((c) => c[1] === "login.failed");
    expect(rows).toHaveLength(1);
    expect(String(rows[0][0]).length).toBeLessThanOrEqual(64);
  });
  // Issue #22.6: wrong current passwords on "change password" count like failed logins, under their own audit action.
  it("'change password' failures share the account's count and are audited as such", async () => {
    const t = throttle();
    vi.mocked(audit).mockClear();
    for (let i = 0; i < ACCOUNT_FAILURES; i++) {
      await t.attempt("carol", "10.0.4.1");
      await t.failed("carol", "10.0.4.1", "password-change");
    }
    expect(vi.mocked(audit).mock.calls.some((c) => c[1] === "user.change-password-failed")).toBe(true);
    await expect(t.attempt("carol", "10.0.4.2")).rejects.toBeInstanceOf(TooManyAttemptsError);
  });
});

// Issue #22.5: a token's power is capped by its creator's current role.
describe("tokenRole", () => {
  it("is the lesser of the token's role and its creator's role now", () => {
    expect(tokenRole("admin", "viewer")).toBe("viewer");
    expect(tokenRole("admin", "operator")).toBe("operator");
    expect(tokenRole("viewer", "admin")).toBe("viewer");
    expect(tokenRole("operator", "operator")).toBe("operator");
  });
});
