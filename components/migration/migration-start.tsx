"use client";
import { Button } from "@/components/ui";
import { PlanView } from "@/components/ops/plan-view";
import { usePlan } from "@/components/ops/use-plan";

/**
 * The migration's plan and start, and its roll back: each planned against
 * both clusters as they are now (the hosts are read again), then started
 * with the plan's token like every operation.
 */
export function MigrationStart({ clusterId, target, ready }: { clusterId: string; target: string; ready: boolean }) {
  const migrate = usePlan(clusterId, "migrate", () => ({ target }));
  const back = usePlan(clusterId, "migrate-back", () => ({ target }));
  return (
    <div className="flex min-w-0 flex-col gap-4 text-sm">
      <section aria-label="Start the migration" className="flex min-w-0 flex-col gap-2">
        <p className="text-muted">The plan lists every step on both clusters&apos; hosts. Blue is stopped only after the run pauses for a confirmation; until then a roll back brings the clients back.</p>
        <div><Button busy={migrate.busy === "plan"} disabled={!ready} onClick={() => void migrate.showPlan()}>Show the migration plan</Button></div>
        {!ready && <p className="text-muted">Resolve the blockers above first.</p>}
        {migrate.error && <p role="alert" className="text-red-700 dark:text-red-400">{migrate.error}</p>}
        {migrate.preview && <PlanView preview={migrate.preview} startLabel="Start the migration" busy={migrate.busy === "start"} onStart={migrate.startRun} />}
      </section>
      <section aria-label="Roll back a migration" className="flex min-w-0 flex-col gap-2 border-t border-line pt-3">
        <h3 className="font-semibold">Roll back</h3>
        <p className="text-muted">Until blue is stopped: moves the clients, and what was published since the switch, back to this cluster through the same VIP and port. Cancel a paused migration run first.</p>
        <div><Button variant="secondary" busy={back.busy === "plan"} onClick={() => void back.showPlan()}>Show the roll back plan</Button></div>
        {back.error && <p role="alert" className="text-red-700 dark:text-red-400">{back.error}</p>}
        {back.preview && <PlanView preview={back.preview} startLabel="Start the roll back" busy={back.busy === "start"} onStart={back.startRun} />}
      </section>
    </div>
  );
}
