// Password hashing is slow on purpose (scrypt, tens of milliseconds of CPU
// each): a flood of logins from one source must not make everyone else's wait
// for all of them. At most `slots` run at once; waiting calls are served one
// source at a time in turn, so a newcomer waits for at most one call per other
// waiting source; and a source with `perSource` calls already waiting is
// refused at once instead of queueing more.

export class BusyError extends Error {
  override readonly name = "BusyError";
  constructor() {
    super("The server is busy checking other passwords from your address: try again in a moment");
  }
}

export class FairQueue {
  private running = 0;
  /** Waiting calls per source; the Map's order is the turn order. */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly slots: number, private readonly perSource: number) {}

  async run<T>(source: string, f: () => Promise<T>): Promise<T> {
    await this.acquire(source);
    try {
      return await f();
    } finally {
      this.release();
    }
  }

  /** How many calls wait now (for tests and diagnostics). */
  get queued(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  private acquire(source: string): Promise<void> {
    if (this.running < this.slots && this.waiting.size === 0) {
      this.running++;
      return Promise.resolve();
    }
    const q = this.waiting.get(source) ?? [];
    if (q.length >= this.perSource) return Promise.reject(new BusyError());
    return new Promise<void>((resolve) => {
      q.push(resolve);
      this.waiting.set(source, q);
    });
  }

  private release(): void {
    this.running--;
    const next = this.waiting.entries().next();
    if (next.done) return;
    const [source, q] = next.value;
    const wake = q.shift()!;
    // The source goes to the back of the turn order (or leaves it when it has no more).
    this.waiting.delete(source);
    if (q.length) this.waiting.set(source, q);
    this.running++;
    wake();
  }
}

/** By name, not instanceof: Next.js bundles this module once per layer (see isTooManyAttempts). */
export function isBusy(e: unknown): e is BusyError {
  return e instanceof Error && e.name === "BusyError";
}
