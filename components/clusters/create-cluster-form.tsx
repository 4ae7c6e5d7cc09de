"use client";
import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { addCluster } from "@/lib/actions/clusters";
import { Button, Field, Input, Notice, Select, StatusLine } from "@/components/ui";

type Role = "" | "disc" | "ram" | "lb";

export function CreateClusterForm({ hosts }: { hosts: { id: string; name: string; address: string; cluster: string | null }[] }) {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addCluster);
  const router = useRouter();
  const [roles, setRoles] = useState<Record<string, Role>>({});
  const [seed, setSeed] = useState<string>("");
  // Next step of the wizard: the new cluster's page, where setup starts.
  useEffect(() => { if (state?.ok && state.id) router.push(`/clusters/${state.id}`); }, [state, router]);
  if (hosts.length === 0) return <p className="text-sm text-muted">Add hosts first: a cluster is made of hosts Warren can reach over SSH.</p>;
  const discs = hosts.filter((h) => roles[h.id] === "disc");
  const seedHost = hosts.find((h) => h.id === seed);
  const seedProblem = seedHost && roles[seed] !== "disc" ? `${seedHost.name} is not a disc node: the seed must be a disc node (it keeps the cluster's metadata on disk).` : null;
  const impliedSeed = !seed && discs.length ? discs[0] : null;
  return (
    <form ref={formRef} onSubmit={onSubmit} className="flex min-w-0 flex-col gap-3">
      <Field label="Cluster name" htmlFor="cluster-name" error={fe.name}><Input id="cluster-name" name="name" required aria-invalid={!!fe.name} /></Field>
      <p className="text-sm text-muted">Give each host a role. The <b>seed</b> is the disc node the others join; it keeps its data, the others are reset when they join. A host belongs to one cluster at a time.</p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-muted"><tr><th>Host</th><th>Role</th><th>Seed</th></tr></thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.id} className="border-t border-line">
                <td className="py-1 pr-4"><span className="font-medium">{h.name}</span> <span className="mono text-muted">{h.address}</span>{h.cluster && <div className="text-xs text-muted">in cluster {h.cluster}</div>}</td>
                <td className="pr-4">
                  <Select name={`role:${h.id}`} aria-label={`Role of ${h.name}`} value={roles[h.id] ?? ""} disabled={!!h.cluster}
                    onChange={(e) => setRoles((r) => ({ ...r, [h.id]: e.target.value as Role }))}>
                    <option value="">{h.cluster ? `used by ${h.cluster}` : "not in this cluster"}</option>
                    <option value="disc">RabbitMQ disc node</option>
                    <option value="ram">RabbitMQ ram node (legacy)</option>
                    <option value="lb">Load balancer (HAProxy + Keepalived)</option>
                  </Select>
                </td>
                <td><input type="radio" name="seed" value={h.id} checked={seed === h.id} disabled={!!h.cluster} onChange={() => setSeed(h.id)} aria-label={`${h.name} is the seed node`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {seedProblem && <Notice tone="amber">{seedProblem}</Notice>}
      {impliedSeed && <p className="text-sm text-muted">No seed chosen: {impliedSeed.name}, the first disc node, will be the seed.</p>}
      {fe.members && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{fe.members}</p>}
      <div className="flex items-center gap-3"><Button type="submit" busy={pending} disabled={!!seedProblem}>Create cluster</Button><StatusLine state={state} /></div>
    </form>
  );
}
