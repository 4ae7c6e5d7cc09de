import { describe, expect, it, vi } from "vitest";

// The audit log is a database write; here only the throttle's decisions matter.
vi.mock("@/lib/audit", () => ({ audit: vi.fn(async () => {}) }));
const { throttle, TooManyAttemptsError, ACCOUNT_FAILURES, ADDRESS_FAILURES } = await import("@/lib/auth/throttle");

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
});
