// A backup at rest: the document exactly as RabbitMQ wrote it, gzipped, then
// sealed by the secret box under a purpose of its own (it holds password
// hashes); its SHA-256 over the plain JSON says it came back unchanged.
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { SecretBox } from "@/lib/crypto/secret-box";

export const BACKUP_PURPOSE = "backup:definitions";
/** The largest document Warren keeps (uncompressed). */
export const MAX_PLAIN_BYTES = 64 * 1024 * 1024;

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export interface Packed { blob: Buffer; sha256: string; plainBytes: number; sizeBytes: number }

export function pack(box: SecretBox, text: string): Packed {
  const plain = Buffer.from(text, "utf8");
  if (plain.length > MAX_PLAIN_BYTES) throw new Error(`the definitions are ${plain.length} bytes; Warren keeps at most ${MAX_PLAIN_BYTES}`);
  const blob = box.sealBytes(gzipSync(plain, { level: 6 }), BACKUP_PURPOSE);
  return { blob, sha256: sha256(text), plainBytes: plain.length, sizeBytes: blob.length };
}

/** The document; an error when the blob was sealed for something else or does not match its hash. */
export function unpack(box: SecretBox, blob: Buffer | Uint8Array, expectSha256: string): string {
  const text = gunzipSync(box.openBytes(Buffer.from(blob), BACKUP_PURPOSE), { maxOutputLength: MAX_PLAIN_BYTES }).toString("utf8");
  if (sha256(text) !== expectSha256) throw new Error("the backup does not match its SHA-256: it was changed or damaged at rest");
  return text;
}

/** A gzip body (an upload from a browser that compressed it), at most MAX_PLAIN_BYTES once inflated. */
export function gunzipBounded(body: Buffer): string {
  try {
    return gunzipSync(body, { maxOutputLength: MAX_PLAIN_BYTES }).toString("utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === "ERR_BUFFER_TOO_LARGE" ? `the file is over ${MAX_PLAIN_BYTES} bytes uncompressed` : "the body is not gzip data");
  }
}
