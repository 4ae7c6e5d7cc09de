"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { editMembers } from "@/lib/actions/clusters";
import { Button, StatusLine } from "@/components/ui";
import { MemberTable, seedProblemOf, type HostChoice, type MemberChoice } from "./member-table";

/** The inventory's membership of a cluster not set up yet (a set-up cluster changes through its operations). */
export function EditMembersForm({ clusterId, hosts, initial, initialSeed }: { clusterId: string; hosts: HostChoice[]; initial: Record<string, MemberChoice>; initialSeed: string }) {
  const router = useRouter();
  const { state, pending, onSubmit, fieldErrors: fe } = useFormAction(async (prev: Awaited<ReturnType<typeof editMembers>> | null, form: FormData) => {
    const r = await editMembers(clusterId, prev, form);
    if (r.ok) router.refresh();
    return r;
  });
  const [roles, setRoles] = useState(initial);
  const [seed, setSeed] = useState(initialSeed);
  return (
    <form onSubmit={onSubmit} className="flex min-w-0 flex-col gap-3" aria-label="Edit members">
      <MemberTable hosts={hosts} roles={roles} setRoles={setRoles} seed={seed} setSeed={setSeed} />
      {fe.members && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{fe.members}</p>}
      <div className="flex items-center gap-3"><Button type="submit" busy={pending} disabled={seedProblemOf(hosts, roles, seed)}>Save members</Button><StatusLine state={state} /></div>
    </form>
  );
}
