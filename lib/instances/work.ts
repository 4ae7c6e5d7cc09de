import "server-only";
// What this instance does with the leases it holds (lib/instances/keeper.ts):
// a cluster's lease brings its runs and its collector here (a run another
// instance left mid-way is carried on, or marked interrupted — see
// lib/ops/engine/takeover.ts); the scheduled-work lease brings the backup
// schedule and the notification outbox. Losing a lease stops that work here.
import { severalInstances } from "@/lib/db";
import { alertEngine } from "@/lib/alerts/engine";
import { deliveryWorker } from "@/lib/alerts/delivery";
import { backupScheduler } from "@/lib/backups/scheduler";
import { collector } from "@/lib/health/collector";
import { publishLiveHealth } from "@/lib/health/live";
import { runner } from "@/lib/ops/runner";
import { leaseKeeper } from "./keeper";
import { SCHEDULED_WORK } from "./lease";

export async function startInstanceWork(): Promise<void> {
  const keeper = leaseKeeper();
  const c = collector();
  c.shareWith({
    owns: (id) => keeper.holds(id),
    publish: severalInstances() ? (id, h, hosts) => publishLiveHealth(id, h, hosts, keeper.id) : undefined,
  });
  keeper.on({
    async acquired(name, from) {
      if (name === SCHEDULED_WORK) {
        await deliveryWorker().start();
        backupScheduler().start();
        return;
      }
      // Several instances (PostgreSQL): a run left by another instance goes on by itself where that
      // is safe. Alone (SQLite), the one before was this Warren: a person says when to go on.
      await runner().adopt(name, severalInstances() && from !== null);
    },
    ready(name) {
      if (name !== SCHEDULED_WORK) void c.refresh();
    },
    lost(name) {
      if (name === SCHEDULED_WORK) {
        deliveryWorker().stop();
        backupScheduler().stop();
        return;
      }
      runner().released(name);
      alertEngine().forget(name);
      void c.refresh();
    },
  });
  await runner().start();
  alertEngine().start();
  await c.start();
  await keeper.start();
  // A clean stop (server.mjs, on SIGTERM) lets the leases expire first: another instance need not wait for them.
  (globalThis as { warrenShutdown?: () => Promise<void> }).warrenShutdown = () => keeper.stop();
}
