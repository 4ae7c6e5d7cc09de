"use client";
import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { addCluster } from "@/lib/actions/clusters";
import { Button, Field, Input, StatusLine } from "@/components/ui";
import { MemberTable, seedProblemOf, type HostChoice, type MemberChoice } from "./member-table";

export function CreateClusterForm({ hosts }: { hosts: HostChoice[] }) {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addCluster);
  const router = useRouter();
  const [roles, setRoles] = useState<Record<string, MemberChoice>>({});
  const [seed, setSeed] = useState<string>("");
  // Next step of the wizard: the new cluster's page, where setup starts.
  useEffect(() => { if (state?.ok && state.id) router.push(`/clusters/${state.id}`); }, [state, router]);
  if (hosts.length === 0) return <p className="text-sm text-muted">Add hosts first: a cluster is made of hosts Warren can reach over SSH.</p>;
  return (
    <form ref={formRef} onSubmit={onSubmit} className="flex min-w-0 flex-col gap-3">
      <Field label="Cluster name" htmlFor="cluster-name" error={fe.name}><Input id="cluster-name" name="name" required maxLength={64} /></Field>
      <MemberTable hosts={hosts} roles={roles} setRoles={setRoles} seed={seed} setSeed={setSeed} />
      {fe.members && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{fe.members}</p>}
      <div className="flex items-center gap-3"><Button type="submit" busy={pending} disabled={seedProblemOf(hosts, roles, seed)}>Create cluster</Button><StatusLine state={state} /></div>
    </form>
  );
}
