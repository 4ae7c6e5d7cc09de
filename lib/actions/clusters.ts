"use server";
import { revalidatePath } from "next/cache";
import { requireActionRole } from "@/lib/auth/guard";
import { ClusterInput } from "@/lib/inventory/schemas";
import { createCluster, deleteCluster, getCluster, setMembers } from "@/lib/inventory/clusters";
import { revealClusterSecret } from "@/lib/inventory/secrets";
import { isSecretName } from "@/lib/ops/secrets";
import { toActionError, type ActionResult } from "./result";
import { MemberRole } from "@/lib/vocabulary";
import { FormArg, IdArg } from "./args";

/** Form fields per host `role:<hostId>` (components/clusters/member-table.tsx MemberChoice) and `seed`; ClusterInput validates the result. */
function membersFromForm(form: FormData): unknown[] {
  const members: unknown[] = [];
  for (const [k, v] of form.entries()) {
    if (!k.startsWith("role:") || !v) continue;
    const hostId = k.slice(5);
    if (v === MemberRole.loadbalancer) members.push({ hostId, role: MemberRole.loadbalancer });
    else members.push({ hostId, role: MemberRole.rabbitmq, nodeType: v, isSeed: form.get("seed") === hostId });
  }
  return members;
}

export async function addCluster(_prev: ActionResult | null, form: FormData): Promise<ActionResult<{ id?: string }>> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("operator");
    const input = ClusterInput.parse({ name: form.get("name"), members: membersFromForm(form) });
    const c = await createCluster(input, p);
    revalidatePath("/clusters");
    return { ok: true, message: `Created ${c.name}`, id: c.id };
  } catch (e) {
    return toActionError(e);
  }
}

export async function removeCluster(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("operator");
    const c = await deleteCluster(IdArg.parse(id), p);
    if (!c) return { ok: false, message: "No such cluster" };
    revalidatePath("/clusters");
    return { ok: true, message: `Deleted ${c.name} from the inventory` };
  } catch (e) {
    return toActionError(e);
  }
}

/** An admin reads one of the cluster's secrets (audited), e.g. to log in to the management UI Warren set up. */
export async function revealSecret(clusterId: string, name: string): Promise<ActionResult<{ value?: string }>> {
  try {
    const p = await requireActionRole("admin");
    if (!isSecretName(name)) return { ok: false, message: "No such secret" };
    const value = await revealClusterSecret(IdArg.parse(clusterId), name, p);
    if (value === null) return { ok: false, message: "The cluster has no such secret yet" };
    return { ok: true, message: "Revealed (recorded in the audit log)", value };
  } catch (e) {
    return toActionError(e);
  }
}

export async function editMembers(clusterId: string, _prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("operator");
    const c = await getCluster(IdArg.parse(clusterId));
    if (!c) return { ok: false, message: "No such cluster" };
    const input = ClusterInput.parse({ name: c.name, members: membersFromForm(form) });
    const after = await setMembers(c.id, input.members, p);
    revalidatePath(`/clusters/${c.id}`);
    return { ok: true, message: `Saved: ${after.members.length} member${after.members.length === 1 ? "" : "s"}` };
  } catch (e) {
    return toActionError(e);
  }
}
