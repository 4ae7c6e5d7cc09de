import { createHash } from "node:crypto";

/** OpenSSH's form: "SHA256:" + unpadded base64 of the SHA-256 of the raw public key blob. */
export function fingerprint(rawKey: Buffer): string {
  return "SHA256:" + createHash("sha256").update(rawKey).digest("base64").replace(/=+$/, "");
}
