import { createHash, randomBytes } from "node:crypto";

/** Session cookies and API tokens are random; only their SHA-256 is stored. */
export function newSecretToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const SESSION_COOKIE = "warren_session";
export const API_TOKEN_PREFIX = "wrn_";
