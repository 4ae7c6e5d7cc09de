"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { previewPlan, startPlan } from "@/lib/actions/operations";
import type { PlanPreview } from "@/lib/ops/service";

/**
 * An operation's plan and start, as every form needs them: ask for the plan
 * (the hosts are observed), start it with the plan's token (a plan whose
 * hosts changed since is refused and shown again), then go to the run.
 */
export function usePlan(clusterId: string, type: string, params: () => unknown) {
  const router = useRouter();
  const [preview, setPreview] = useState<PlanPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<"plan" | "start" | null>(null);
  // Not a transition: state set inside one is held back until it ends, so "busy" would never show.
  // A started run stays busy until the run page replaces this one, so it cannot be started twice.
  const act = async (what: "plan" | "start", f: () => Promise<boolean | void>) => {
    setBusy(what); setError(null);
    let leaving = false;
    try { leaving = (await f()) === true; } finally { if (!leaving) setBusy(null); }
  };
  const load = async () => {
    const r = await previewPlan(clusterId, type, params());
    if (r.ok) { setPreview(r.preview); setFieldErrors({}); } else { setPreview(null); setError(r.message); setFieldErrors(r.fieldErrors ?? {}); }
  };
  return {
    preview, error, fieldErrors, busy,
    /** The options changed: the plan shown no longer applies. */
    reset: () => setPreview(null),
    showPlan: () => act("plan", load),
    startRun: (confirmed: boolean) => act("start", async () => {
      if (!preview) return;
      const r = await startPlan(clusterId, type, params(), confirmed, preview.token);
      if (r.ok) { router.push(`/runs/${r.runId}`); return true; }
      setError(r.message);
      if (r.code === "stale") await load();
    }),
  };
}
