// One writer per run owns the log's sequence numbers. Lines are appended in
// batches: an apt install prints hundreds, and one insert each cost the CPU
// the hosts' work needs (Warren often shares a small machine with what it drives).
import type { LogRow, RunStore } from "./types";

export class RunLog {
  private seq = 0;
  private partial = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();
  private pending: LogRow[] = [];
  private timer?: NodeJS.Timeout;

  private constructor(private readonly store: RunStore, private readonly runId: string, private readonly onError: (e: unknown) => void) {}

  static async open(store: RunStore, runId: string, onError: (e: unknown) => void = () => {}): Promise<RunLog> {
    const w = new RunLog(store, runId, onError);
    w.seq = await store.lastLogSeq(runId);
    return w;
  }

  /** Appends complete lines; a trailing partial line waits for its end (or flush). */
  write(hostName: string | null, stream: LogRow["stream"], text: string): void {
    const k = `${hostName}|${stream}`;
    const lines = ((this.partial.get(k) ?? "") + text).split("\n");
    this.partial.set(k, lines.pop()!);
    for (const l of lines) this.row(hostName, stream, l);
  }

  info(hostName: string | null, text: string): void {
    this.write(hostName, "info", text.endsWith("\n") ? text : `${text}\n`);
  }

  flush(hostName: string | null): void {
    for (const [k, rest] of this.partial) {
      if (!k.startsWith(`${hostName}|`) || !rest) continue;
      this.partial.set(k, "");
      this.row(hostName, k.split("|")[1] as LogRow["stream"], rest);
    }
  }

  private row(hostName: string | null, stream: LogRow["stream"], text: string) {
    this.pending.push({ seq: ++this.seq, hostName, stream, text: text.slice(0, 4000) });
    this.timer ??= setTimeout(() => this.writePending(), 100);
  }

  private writePending() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending.splice(0);
    if (!rows.length) return;
    // Serialised so rows land in seq order.
    this.chain = this.chain.then(() => this.store.appendLogs(this.runId, rows)).catch(this.onError);
  }

  /** Everything written so far is stored when this resolves. */
  close(): Promise<unknown> {
    for (const k of [...this.partial.keys()]) this.flush(k.split("|")[0] === "null" ? null : k.split("|")[0]);
    this.writePending();
    return this.chain;
  }
}
