"use client";
import { useState } from "react";
import { useFormAction } from "@/components/ui/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Button, Field, Input, Select, StatusLine } from "@/components/ui";
import { addSilence, endSilence } from "@/lib/actions/alerts";

export interface SilenceChoices { clusters: { id: string; name: string; hosts: string[] }[]; kinds: { kind: string; title: string }[] }

/** A silence: a cluster, optionally one host and one kind, for a while, with a reason. */
export function SilenceForm({ clusters, kinds, initial }: SilenceChoices & { initial?: { clusterId?: string; host?: string; kind?: string } }) {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addSilence);
  const [clusterId, setClusterId] = useState(initial?.clusterId ?? clusters[0]?.id ?? "");
  const hosts = clusters.find((c) => c.id === clusterId)?.hosts ?? [];
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="flex flex-col gap-3" aria-label="New silence">
      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-4">
        <Field label="Cluster" htmlFor="silence-cluster" error={fe.clusterId}>
          <Select id="silence-cluster" name="clusterId" value={clusterId} onChange={(e) => setClusterId(e.target.value)}>
            {clusters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </Select>
        </Field>
        <Field label="Host" htmlFor="silence-host" error={fe.host}>
          <Select id="silence-host" name="host" defaultValue={initial?.host ?? ""} key={clusterId}>
            <option value="">every host</option>
            {hosts.map((h) => <option key={h} value={h}>{h}</option>)}
          </Select>
        </Field>
        <Field label="Kind" htmlFor="silence-kind" error={fe.kind}>
          <Select id="silence-kind" name="kind" defaultValue={initial?.kind ?? ""}>
            <option value="">every kind</option>
            {kinds.map((k) => <option key={k.kind} value={k.kind}>{k.title}</option>)}
          </Select>
        </Field>
        <Field label="For (minutes)" htmlFor="silence-minutes" error={fe.minutes ?? fe.endsAt}>
          <Input id="silence-minutes" name="minutes" type="number" min={1} max={129600} defaultValue={60} required aria-invalid={!!fe.minutes} />
        </Field>
      </div>
      <Field label="Reason" htmlFor="silence-reason" error={fe.reason} hint="Recorded in the audit log with your name">
        <Input id="silence-reason" name="reason" required minLength={3} maxLength={500} aria-invalid={!!fe.reason} />
      </Field>
      <div className="flex flex-wrap items-center gap-3"><Button busy={pending} disabled={!clusters.length}>Silence</Button><StatusLine state={state} /></div>
    </form>
  );
}

export function EndSilenceButton({ id, what }: { id: string; what: string }) {
  return <ConfirmButton question={`End the silence of ${what} now? Alerts it covers page again at once.`} action={() => endSilence(id)} label={`End now: the silence of ${what}`}>End now</ConfirmButton>;
}
