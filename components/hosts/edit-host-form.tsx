"use client";
import { useState } from "react";
import { useFormAction } from "@/components/ui/use-form-action";
import { editHost } from "@/lib/actions/hosts";
import { Button, Field, Input, StatusLine } from "@/components/ui";
import { CredentialFields } from "./add-host-form";

interface HostFields { id: string; name: string; address: string; port: number; username: string; useSudo: boolean; inCluster: boolean }

/** Connection settings; credentials are replaced only when asked, and the name only while the host is in no cluster. */
export function EditHostForm({ h }: { h: HostFields }) {
  const { state, pending, onSubmit, fieldErrors: fe } = useFormAction(editHost.bind(null, h.id));
  const [replace, setReplace] = useState(false);
  return (
    <form method="post" onSubmit={onSubmit} className="grid gap-3 md:grid-cols-2" aria-label={`Edit ${h.name}`}>
      <Field label="Name" htmlFor="edit-name" error={fe.name} hint={h.inCluster ? `In a cluster it is the node name rabbit@${h.name}: it cannot change there` : "Becomes the RabbitMQ node name"}>
        {h.inCluster ? <Input id="edit-name" value={h.name} disabled readOnly /> : <Input id="edit-name" name="name" defaultValue={h.name} required maxLength={63} />}
      </Field>
      <Field label="Address" htmlFor="edit-address" error={fe.address} hint="A new address gets its own host key check"><Input id="edit-address" name="address" defaultValue={h.address} required maxLength={253} /></Field>
      <Field label="SSH port" htmlFor="edit-port" error={fe.port}><Input id="edit-port" name="port" type="number" min={1} max={65535} defaultValue={h.port} /></Field>
      <Field label="SSH user" htmlFor="edit-username" error={fe.username}><Input id="edit-username" name="username" defaultValue={h.username} maxLength={32} /></Field>
      <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="useSudo" defaultChecked={h.useSudo} /> Commands need sudo (non-root user)</label>
      <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="replaceCredentials" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> Replace the stored credentials</label>
      {replace && <CredentialFields fe={fe} idPrefix="edit-" />}
      <div className="flex flex-wrap items-center gap-3 md:col-span-2"><Button busy={pending}>Save</Button><StatusLine state={state} /></div>
    </form>
  );
}
