// Scheduling: which queued run starts when. One run at a time per cluster;
// runs of different clusters in parallel. Started once per process.
// With several instances (lib/instances), a process runs only the runs of the
// clusters whose lease it holds, and each of their steps first checks that
// lease (fencing): an instance that lost it stops without touching a host or
// writing another line.
import { executeRun, type EngineDeps, type RunControl } from "./execute";
import { RunLog } from "./log";
import type { Executor, RunStore } from "./types";

export type CancelMode = "after-step" | "now";

/** Which clusters this process may run (a lease each), and the check before every step. */
export interface Ownership {
  owns(clusterId: string): boolean;
  /** The tenure this process holds the cluster under (a run is fenced to the one it began in). */
  epochOf(clusterId: string): number | undefined;
  /** Throws (LeaseLostError) unless this process still holds the cluster, under `epoch` when given. */
  fence(clusterId: string, epoch?: number): Promise<void>;
  /** Whether a run another process left "running" goes on by itself (several instances) or waits for a person (alone). */
  resumeOrphans: boolean;
}

const STORE_WRITES = ["claim", "stepStarted", "stepFinished", "stepNote", "setVar", "finish", "appendLogs"] as const;

/** The engine's edges for one run of one cluster, each write and each command behind the cluster's fence. */
export function fenced(deps: EngineDeps, fence: () => Promise<void>): EngineDeps {
  // A proxy, not a copy: a store may be a class whose methods live on its prototype.
  const writes = new Set<PropertyKey>(STORE_WRITES);
  const store = new Proxy(deps.store, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== "function") return v;
      const f = v as (...a: unknown[]) => Promise<unknown>;
      return writes.has(prop) ? async (...a: unknown[]) => { await fence(); return f.apply(target, a); } : f.bind(target);
    },
  }) as RunStore;
  const exec = (e: Executor | undefined): Executor | undefined => e && { run: async (h, argv, o) => { await fence(); return e.run(h, argv, o); } };
  const d = deps.definitions;
  const definitions = d && {
    backup: async (o: Parameters<typeof d.backup>[0]) => { await fence(); return d.backup(o); },
    latest: (id: string) => d.latest(id),
    document: (ref: Parameters<typeof d.document>[0]) => d.document(ref),
    remove: async (o: Parameters<typeof d.remove>[0]) => { await fence(); return d.remove(o); },
    verify: async (o: Parameters<typeof d.verify>[0]) => { await fence(); return d.verify(o); },
  };
  return { ...deps, store, executor: exec(deps.executor)!, local: exec(deps.local), definitions };
}

export class Runner {
  private readonly active = new Map<string, RunControl>();
  private readonly clusterOf = new Map<string, string>();
  private readonly busyClusters = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(private readonly deps: EngineDeps, private readonly tickMs = 1000, private readonly ownership?: Ownership) {}

  /**
   * Polls for queued runs. Alone (no ownership), it first marks the runs a previous process
   * left running as interrupted; with ownership, that happens per cluster as its lease is taken (adopt).
   */
  async start(): Promise<void> {
    if (this.timer) return;
    if (!this.ownership) await this.adopt(null, false);
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  /** Runs a process that is gone left running (see RunStore.adopt), each told in its log. */
  async adopt(clusterId: string | null, resume: boolean): Promise<void> {
    for (const a of await this.deps.store.adopt(clusterId, resume)) {
      const log = await RunLog.open(this.deps.store, a.id);
      log.info(null, a.resumed ? `taken over: ${a.why}; this instance carries the run on (a step in progress starts again only where its check says it is not done)` : `interrupted: ${a.why}`);
      await log.close();
    }
    this.kick();
  }

  /**
   * This process lost the cluster: its run there stops at once — the commands in progress are
   * killed (the new holder may start them again) and nothing more is written (the fence refuses).
   */
  released(clusterId: string): void {
    for (const [id, c] of this.active) if (this.clusterOf.get(id) === clusterId) { c.stopAfterStep = true; c.abort.abort(); }
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
      // Nothing running yet (another tick holds the queue): look again shortly.
      await (this.running.size ? Promise.race([...this.running]) : new Promise((r) => setTimeout(r, this.tickMs)));
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      // A stop asked through another instance reaches the run here.
      for (const id of await this.deps.store.cancelAsked([...this.active.keys()])) this.cancel(id, "after-step");
      // A run of a cluster this process holds, "running" but run by nobody here: left by a process that is
      // gone after this one took the cluster (its claim landed late), or by a run that could not record its end.
      if (this.ownership) {
        const orphans = (await this.deps.store.running()).filter((r) => !this.active.has(r.id) && !this.busyClusters.has(r.clusterId) && this.ownership!.owns(r.clusterId));
        for (const clusterId of new Set(orphans.map((r) => r.clusterId))) await this.adopt(clusterId, this.ownership.resumeOrphans);
      }
      for (const r of await this.deps.store.queued()) {
        if (this.busyClusters.has(r.clusterId)) continue;
        if (this.ownership && !this.ownership.owns(r.clusterId)) continue;
        this.busyClusters.add(r.clusterId);
        const control: RunControl = { abort: new AbortController(), stopAfterStep: false };
        this.active.set(r.id, control);
        this.clusterOf.set(r.id, r.clusterId);
        const own = this.ownership;
        const epoch = own?.epochOf(r.clusterId);
        const deps = own ? fenced(this.deps, () => own.fence(r.clusterId, epoch)) : this.deps;
        const p = executeRun(deps, r.id, control)
          .catch((e) => this.deps.report?.("run failed", e))
          .finally(() => {
            this.active.delete(r.id);
            this.clusterOf.delete(r.id);
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
