"use client";
import { useState } from "react";
import { Button, Field, Input, Select } from "@/components/ui";
import { PlanView } from "./plan-view";
import { usePlan } from "./use-plan";

interface JsonProp { type?: string; enum?: string[]; description?: string; default?: unknown; "x-warren"?: string; "x-labels"?: Record<string, string>; minimum?: number; maximum?: number }
export interface CatalogEntry { type: string; title: string; description: string; params: { properties?: Record<string, JsonProp>; required?: string[] } }

const label = (k: string) => k.replace(/([A-Z])/g, " $1").replace(/^./, (c) => c.toUpperCase());

/** Any registered operation: a form from its parameter schema, then its plan, then start. */
export function OperationForm({ clusterId, op, nodes, freeHosts = [] }: { clusterId: string; op: CatalogEntry; nodes: string[]; freeHosts?: string[] }) {
  const props = Object.entries(op.params.properties ?? {});
  const choices = (p: JsonProp) => (p["x-warren"] === "cluster-node" ? nodes : p["x-warren"] === "free-host" ? freeHosts : null);
  const [values, setValues] = useState<Record<string, unknown>>(() => Object.fromEntries(props.map(([k, p]) => [k, p.default ?? (choices(p) ? choices(p)![0] ?? "" : p.enum ? p.enum[0] : p.type === "boolean" ? false : "")])));
  const plan = usePlan(clusterId, op.type, () => values);
  const set = (k: string, v: unknown) => { setValues((x) => ({ ...x, [k]: v })); plan.reset(); };
  const id = (k: string) => `${op.type}-${k}`;
  const fe = plan.fieldErrors;

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <p className="text-sm text-muted">{op.description}</p>
      <div className="grid min-w-0 gap-3 md:grid-cols-2">
        {props.map(([k, p]) => {
          const common = { id: id(k), "aria-invalid": fe[k] ? true : undefined };
          let input;
          const list = choices(p);
          if (list && !list.length) input = <p {...common} className="text-sm text-muted">{p["x-warren"] === "free-host" ? "No free host: add one on the Hosts page first (a host belongs to one cluster at a time)." : "No node."}</p>;
          else if (list) input = <Select {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)}>{list.map((n) => <option key={n}>{n}</option>)}</Select>;
          else if (p.enum) input = <Select {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)}>{p.enum.map((n) => <option key={n} value={n}>{p["x-labels"]?.[n] ?? n}</option>)}</Select>;
          else if (p.type === "boolean") return <label key={k} className="flex items-center gap-2 text-sm"><input type="checkbox" checked={!!values[k]} onChange={(e) => set(k, e.target.checked)} /> {p.description ?? label(k)}</label>;
          else if (p.type === "integer" || p.type === "number") input = <Input {...common} type="number" min={p.minimum} max={p.maximum} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value === "" ? undefined : Number(e.target.value))} />;
          else input = <Input {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)} />;
          return <Field key={k} label={p.description ?? label(k)} htmlFor={id(k)} error={fe[k]}>{input}</Field>;
        })}
      </div>
      <div><Button variant="secondary" busy={plan.busy === "plan"} onClick={plan.showPlan}>Show the plan</Button></div>
      {plan.error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{plan.error}</p>}
      {plan.preview && <PlanView preview={plan.preview} startLabel={`Start: ${op.title}`} busy={plan.busy === "start"} onStart={plan.startRun} />}
    </div>
  );
}
