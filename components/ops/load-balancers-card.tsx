"use client";
import { useState } from "react";
import { Button } from "@/components/ui";
import { LoadBalancerFields, lbDefaults, lbParams } from "./load-balancer-fields";
import { PlanView } from "./plan-view";
import { usePlan } from "./use-plan";

/** Configure (or reconfigure) the load balancers and the VIP of a cluster that is already set up. */
export function LoadBalancersForm({ clusterId, loadBalancers, colocated, saved }: { clusterId: string; loadBalancers: string[]; colocated: boolean; saved: Record<string, unknown> | null }) {
  const [lb, setLb] = useState(() => lbDefaults(loadBalancers, colocated, saved));
  const plan = usePlan(clusterId, "load-balancers", () => lbParams(lb));
  return (
    <div className="flex min-w-0 flex-col gap-3">
      <LoadBalancerFields idPrefix="lbcard" clusterId={clusterId} loadBalancers={loadBalancers} value={lb} onChange={(v) => { setLb(v); plan.reset(); }} />
      <div><Button variant="secondary" busy={plan.busy === "plan"} onClick={plan.showPlan}>Show the load-balancer plan</Button></div>
      {plan.error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{plan.error}</p>}
      {plan.preview && <PlanView preview={plan.preview} startLabel="Deploy the load balancers" busy={plan.busy === "start"} onStart={plan.startRun} />}
    </div>
  );
}
