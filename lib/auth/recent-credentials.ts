import { createHmac, randomBytes } from "node:crypto";

/**
 * HTTP Basic sends the password with every request, and checking it costs an
 * scrypt (tens of milliseconds of CPU, by design): a script polling a run
 * would take CPU from the operations running on the same machine. A
 * successful check is remembered for a short time, under an HMAC (key made per
 * process) of the user id, the stored hash and the password — a changed
 * password or hash never matches. Failures are never remembered.
 */
export class RecentCredentials {
  private readonly key = randomBytes(32);
  private readonly until = new Map<string, number>();

  constructor(private readonly ttlMs = 60_000, private readonly max = 1000, private readonly now = () => Date.now()) {}

  private id(userId: string, storedHash: string, password: string): string {
    return createHmac("sha256", this.key).update(`${userId}\0${storedHash}\0${password}`).digest("base64");
  }

  has(userId: string, storedHash: string, password: string): boolean {
    const k = this.id(userId, storedHash, password);
    const t = this.until.get(k);
    if (t === undefined) return false;
    if (t > this.now()) return true;
    this.until.delete(k);
    return false;
  }

  remember(userId: string, storedHash: string, password: string): void {
    if (this.until.size >= this.max) {
      const now = this.now();
      for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
      // Still full: forget the oldest entry (Map keeps insertion order).
      if (this.until.size >= this.max) this.until.delete(this.until.keys().next().value!);
    }
    this.until.set(this.id(userId, storedHash, password), this.now() + this.ttlMs);
  }
}
