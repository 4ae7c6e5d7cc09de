import "server-only";
// The process-wide runner: the engine wired to SQLite and SSH. Started from
// instrumentation.ts; kept on globalThis because Next.js may load this module
// more than once in one process.
import { logError } from "@/lib/log";
import { prismaRunStore } from "./engine/prisma-store";
import { Runner } from "./engine/scheduler";
import { sshExecutor } from "./engine/ssh-executor";
import { localExecutor } from "./engine/local-executor";
import { definitionsWork } from "@/lib/backups/work";
import { leaseKeeper } from "@/lib/instances/keeper";
import { severalInstances } from "@/lib/db";

export type { CancelMode } from "./engine/scheduler";

const g = globalThis as unknown as { warrenRunner?: Runner };
export function runner(): Runner {
  const leases = leaseKeeper();
  g.warrenRunner ??= new Runner(
    { store: prismaRunStore, executor: sshExecutor, local: localExecutor, definitions: definitionsWork, report: logError },
    1000,
    {
      owns: (clusterId) => leases.holds(clusterId),
      epochOf: (clusterId) => leases.epochOf(clusterId),
      fence: (clusterId, epoch) => leases.assertHeld(clusterId, epoch),
      resumeOrphans: severalInstances(),
    },
  );
  return g.warrenRunner;
}
