import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "@/lib/crypto/secret-box";

describe("SecretBox (AES-256-GCM)", () => {
  const box = new SecretBox(randomBytes(32));

  it("round-trips, including unicode and PEM keys", () => {
    for (const s of ["hunter2", "pässwörd ✓", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n", ""]) {
      expect(box.open(box.seal(s, "host:secret"), "host:secret")).toBe(s);
    }
  });

  it("never contains the plaintext and differs each time (random IV)", () => {
    const a = box.seal("hunter2-secret", "p"), b = box.seal("hunter2-secret", "p");
    expect(a).not.toBe(b);
    expect(a).not.toContain("hunter2");
    expect(Buffer.from(a.slice(3), "base64").toString("latin1")).not.toContain("hunter2");
  });

  it("fails on tampering, a wrong key or the wrong purpose", () => {
    const sealed = box.seal("secret", "host:secret");
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`v1:${raw.toString("base64")}`, "host:secret")).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, "host:secret")).toThrow();
    expect(() => box.open(sealed, "host:passphrase")).toThrow();
    expect(() => box.open("garbage", "host:secret")).toThrow(/not a sealed/);
  });

  it("insists on a 32-byte key", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });
});
