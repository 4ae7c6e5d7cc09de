"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { addCluster } from "@/lib/actions/clusters";
import { Button, Field, Input, Select, StatusLine } from "@/components/ui";

export function CreateClusterForm({ hosts }: { hosts: { id: string; name: string; address: string }[] }) {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addCluster);
  const router = useRouter();
  // Next step of the wizard: the new cluster's page, where setup starts.
  useEffect(() => { if (state?.ok && state.id) router.push(`/clusters/${state.id}`); }, [state, router]);
  if (hosts.length === 0) return <p className="text-sm text-slate-600">Add hosts first.</p>;
  return (
    <form ref={formRef} onSubmit={onSubmit} className="flex flex-col gap-3">
      <Field label="Cluster name" htmlFor="cluster-name" error={fe.name}><Input id="cluster-name" name="name" required /></Field>
      <table className="text-left text-sm">
        <thead className="text-slate-500"><tr><th>Host</th><th>Role</th><th>Seed</th></tr></thead>
        <tbody>
          {hosts.map((h) => (
            <tr key={h.id}>
              <td className="py-1 pr-4"><span className="font-medium">{h.name}</span> <span className="mono text-slate-500">{h.address}</span></td>
              <td className="pr-4">
                <Select name={`role:${h.id}`} aria-label={`Role of ${h.name}`} defaultValue="">
                  <option value="">not in this cluster</option>
                  <option value="disc">RabbitMQ disc node</option>
                  <option value="ram">RabbitMQ ram node</option>
                  <option value="lb">Load balancer (HAProxy + Keepalived)</option>
                </Select>
              </td>
              <td><input type="radio" name="seed" value={h.id} aria-label={`${h.name} is the seed node`} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {fe.members && <p role="alert" className="text-sm text-red-700">{fe.members}</p>}
      <div className="flex items-center gap-3"><Button type="submit" disabled={pending}>Create cluster</Button><StatusLine state={state} /></div>
    </form>
  );
}
