"use client";
import { useState } from "react";
import { Button, Field, Input, Select } from "@/components/ui";
import type { HostReach } from "@/lib/inventory/reach";
import { initialValue } from "@/lib/ops/operation";
import { PlanView } from "./plan-view";
import { usePlan } from "./use-plan";

interface JsonProp { type?: string; enum?: string[]; description?: string; default?: unknown; "x-warren"?: string; "x-labels"?: Record<string, string>; minimum?: number; maximum?: number }
export interface CatalogEntry { type: string; title: string; description: string; params: { properties?: Record<string, JsonProp>; required?: string[] } }
/** A host an operation may be pointed at, with how reachable Warren last found it. */
export type HostChoice = { name: string } & HostReach;

const label = (k: string) => k.replace(/([A-Z])/g, " $1").replace(/^./, (c) => c.toUpperCase());

/** Any registered operation: a form from its parameter schema, then its plan, then start. */
export function OperationForm({ clusterId, op, nodes, freeHosts = [] }: { clusterId: string; op: CatalogEntry; nodes: HostChoice[]; freeHosts?: HostChoice[] }) {
  const props = Object.entries(op.params.properties ?? {});
  const choices = (p: JsonProp) => (p["x-warren"] === "cluster-node" ? nodes : p["x-warren"] === "free-host" ? freeHosts : null);
  const [values, setValues] = useState<Record<string, unknown>>(() => Object.fromEntries(props.map(([k, p]) => [k, initialValue(p)])));
  const [missing, setMissing] = useState<Record<string, string>>({});
  const plan = usePlan(clusterId, op.type, () => values);
  const set = (k: string, v: unknown) => { setValues((x) => ({ ...x, [k]: v })); setMissing((m) => Object.fromEntries(Object.entries(m).filter(([x]) => x !== k))); plan.reset(); };
  const id = (k: string) => `${op.type}-${k}`;
  const fe = { ...plan.fieldErrors, ...missing };
  // A choice left empty is said next to it; the plan is not even asked for.
  const showPlan = () => {
    const empty = props.filter(([k, p]) => (choices(p) || p.enum) && op.params.required?.includes(k) && !values[k]);
    if (empty.length) { setMissing(Object.fromEntries(empty.map(([k]) => [k, "Choose one first"]))); return; }
    void plan.showPlan();
  };

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <p className="text-sm text-muted">{op.description}</p>
      <div className="grid min-w-0 gap-3 md:grid-cols-2">
        {props.map(([k, p]) => {
          const common = { id: id(k), "aria-invalid": fe[k] ? true : undefined };
          let input;
          let hint: string | undefined;
          const list = choices(p);
          const choose = values[k] === "" ? <option value="">choose…</option> : null;
          if (list && !list.length) input = <p {...common} className="text-sm text-muted">{p["x-warren"] === "free-host" ? "No free host: add one on the Hosts page first (a host belongs to one cluster at a time)." : "No node."}</p>;
          else if (list) {
            input = <Select {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)}>{choose}{list.map((h) => <option key={h.name} value={h.name}>{h.name} · {h.label}</option>)}</Select>;
            const picked = list.find((h) => h.name === values[k]);
            if (picked?.reach === "unreachable") hint = `Warren could not reach ${picked.name} (${picked.label}).`;
            else if (picked?.reach === "untested") hint = `${picked.name} has not been tested yet: its page has a Test connection button.`;
          } else if (p.enum) input = <Select {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)}>{choose}{p.enum.map((n) => <option key={n} value={n}>{p["x-labels"]?.[n] ?? n}</option>)}</Select>;
          else if (p.type === "boolean") return <label key={k} className="flex items-center gap-2 text-sm"><input type="checkbox" checked={!!values[k]} onChange={(e) => set(k, e.target.checked)} /> {p.description ?? label(k)}</label>;
          else if (p.type === "integer" || p.type === "number") input = <Input {...common} type="number" min={p.minimum} max={p.maximum} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value === "" ? undefined : Number(e.target.value))} />;
          else input = <Input {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)} />;
          return <Field key={k} label={p.description ?? label(k)} htmlFor={id(k)} error={fe[k]} hint={hint}>{input}</Field>;
        })}
      </div>
      <div><Button variant="secondary" busy={plan.busy === "plan"} onClick={showPlan}>Show the plan</Button></div>
      {plan.error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{plan.error}</p>}
      {plan.preview && <PlanView preview={plan.preview} startLabel={`Start: ${op.title}`} busy={plan.busy === "start"} onStart={plan.startRun} />}
    </div>
  );
}
