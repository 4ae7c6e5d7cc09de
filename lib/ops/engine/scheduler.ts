// Scheduling: which queued run starts when. One run at a time per cluster;
// runs of different clusters in parallel. Started once per process.
import { executeRun, type EngineDeps, type RunControl } from "./execute";
import { RunLog } from "./log";

export type CancelMode = "after-step" | "now";

export class Runner {
  private readonly active = new Map<string, RunControl>();
  private readonly busyClusters = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(private readonly deps: EngineDeps, private readonly tickMs = 1000) {}

  /** Marks runs a previous process left running as interrupted, then polls for queued runs. */
  async start(): Promise<void> {
    if (this.timer) return;
    for (const id of await this.deps.store.interruptStale()) {
      const log = await RunLog.open(this.deps.store, id);
      log.info(null, "interrupted: Warren stopped while this run was in progress");
      await log.close();
    }
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  kick(): void {
    void this.tick();
  }

  /** "after-step" lets the steps in progress finish (a unit as a whole); "now" kills them. */
  cancel(runId: string, mode: CancelMode): void {
    const c = this.active.get(runId);
    if (!c) return;
    if (mode === "now") c.abort.abort();
    else c.stopAfterStep = true;
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Resolves once no run is executing and none is queued (for tests). */
  async idle(): Promise<void> {
    for (;;) {
      await this.tick();
      if (this.running.size === 0 && (await this.deps.store.queued()).length === 0) return;
      await Promise.race([...this.running]);
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const r of await this.deps.store.queued()) {
        if (this.busyClusters.has(r.clusterId)) continue;
        this.busyClusters.add(r.clusterId);
        const control: RunControl = { abort: new AbortController(), stopAfterStep: false };
        this.active.set(r.id, control);
        const p = executeRun(this.deps, r.id, control)
          .catch((e) => this.deps.report?.("run failed", e))
          .finally(() => {
            this.active.delete(r.id);
            this.busyClusters.delete(r.clusterId);
            this.running.delete(p);
            void this.tick();
          });
        this.running.add(p);
      }
    } catch (e) {
      this.deps.report?.("runner tick failed", e);
    } finally {
      this.ticking = false;
    }
  }
}
