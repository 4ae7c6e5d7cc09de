"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { previewPlan, startPlan } from "@/lib/actions/operations";
import type { PlanPreview } from "@/lib/ops/service";
import { Button, Field, Input, Select } from "@/components/ui";
import { PlanView } from "./plan-view";

interface JsonProp { type?: string; enum?: string[]; description?: string; default?: unknown; "x-warren"?: string; minimum?: number; maximum?: number }
export interface CatalogEntry { type: string; title: string; description: string; params: { properties?: Record<string, JsonProp>; required?: string[] } }

const label = (k: string) => k.replace(/([A-Z])/g, " $1").replace(/^./, (c) => c.toUpperCase());

/** Any registered operation: a form from its parameter schema, then its plan, then start. */
export function OperationForm({ clusterId, op, nodes }: { clusterId: string; op: CatalogEntry; nodes: string[] }) {
  const router = useRouter();
  const props = Object.entries(op.params.properties ?? {});
  const [values, setValues] = useState<Record<string, unknown>>(() => Object.fromEntries(props.map(([k, p]) => [k, p.default ?? (p["x-warren"] === "cluster-node" ? nodes[0] : p.type === "boolean" ? false : "")])));
  const [preview, setPreview] = useState<PlanPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<"plan" | "start" | null>(null);
  const [, start] = useTransition();
  const set = (k: string, v: unknown) => { setValues((x) => ({ ...x, [k]: v })); setPreview(null); };
  const act = (what: "plan" | "start", f: () => Promise<void>) => start(async () => { setBusy(what); setError(null); try { await f(); } finally { setBusy(null); } });
  const id = (k: string) => `${op.type}-${k}`;

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <p className="text-sm text-muted">{op.description}</p>
      <div className="grid min-w-0 gap-3 md:grid-cols-2">
        {props.map(([k, p]) => {
          const common = { id: id(k), "aria-invalid": fieldErrors[k] ? true : undefined };
          let input;
          if (p["x-warren"] === "cluster-node") input = <Select {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)}>{nodes.map((n) => <option key={n}>{n}</option>)}</Select>;
          else if (p.enum) input = <Select {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)}>{p.enum.map((n) => <option key={n}>{n}</option>)}</Select>;
          else if (p.type === "boolean") return <label key={k} className="flex items-center gap-2 text-sm"><input type="checkbox" checked={!!values[k]} onChange={(e) => set(k, e.target.checked)} /> {p.description ?? label(k)}</label>;
          else if (p.type === "integer" || p.type === "number") input = <Input {...common} type="number" min={p.minimum} max={p.maximum} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value === "" ? undefined : Number(e.target.value))} />;
          else input = <Input {...common} value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)} />;
          return <Field key={k} label={p.description ?? label(k)} htmlFor={id(k)} error={fieldErrors[k]}>{input}</Field>;
        })}
      </div>
      <div><Button variant="secondary" busy={busy === "plan"} onClick={() => act("plan", async () => {
        const r = await previewPlan(clusterId, op.type, values);
        if (r.ok) { setPreview(r.preview); setFieldErrors({}); } else { setError(r.message); setFieldErrors(r.fieldErrors ?? {}); }
      })}>Show the plan</Button></div>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      {preview && <PlanView preview={preview} startLabel={`Start: ${op.title}`} busy={busy === "start"} onStart={(confirmed) => act("start", async () => {
        const r = await startPlan(clusterId, op.type, values, confirmed, preview.token);
        if (r.ok) router.push(`/runs/${r.runId}`);
        else { setError(r.message); if (r.code === "stale") setPreview(null); }
      })} />}
    </div>
  );
}
