import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// AES-256-GCM. Sealed form: "v1:" + base64(iv | tag | ciphertext). The
// associated data binds a value to its purpose (e.g. "host:secret") so a
// sealed value copied into another column fails to open.
const VERSION = "v1";

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("secret box key must be 32 bytes");
  }

  seal(plain: string, purpose: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return `${VERSION}:${Buffer.concat([iv, c.getAuthTag(), body]).toString("base64")}`;
  }

  /** Bytes sealed the same way (a compressed backup): "v1:" as bytes, then iv | tag | ciphertext. */
  sealBytes(plain: Buffer, purpose: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.from(`${VERSION}:`), iv, c.getAuthTag(), body]);
  }

  openBytes(sealed: Buffer, purpose: string): Buffer {
    const head = Buffer.from(`${VERSION}:`);
    if (sealed.length < head.length + 28 || !sealed.subarray(0, head.length).equals(head)) throw new Error("not sealed bytes");
    const raw = sealed.subarray(head.length);
    const d = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(purpose));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]);
  }

  open(sealed: string, purpose: string): string {
    const [version, data] = sealed.split(":", 2);
    if (version !== VERSION || !data) throw new Error("not a sealed secret");
    const raw = Buffer.from(data, "base64");
    if (raw.length < 28) throw new Error("sealed secret is truncated");
    const d = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(purpose));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
  }
}
