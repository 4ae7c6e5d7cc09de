"use server";
import { revalidatePath } from "next/cache";
import { requireActionRole } from "@/lib/auth/guard";
import { ClusterInput } from "@/lib/inventory/schemas";
import { createCluster, deleteCluster } from "@/lib/inventory/clusters";
import { toActionError, type ActionResult } from "./result";

/** Form fields: name, and per host `role:<hostId>` = "" | "disc" | "ram" | "lb". */
export async function addCluster(_prev: ActionResult | null, form: FormData): Promise<ActionResult<{ id?: string }>> {
  try {
    const p = await requireActionRole("operator");
    const members: unknown[] = [];
    for (const [k, v] of form.entries()) {
      if (!k.startsWith("role:") || !v) continue;
      const hostId = k.slice(5);
      if (v === "lb") members.push({ hostId, role: "loadbalancer" });
      else members.push({ hostId, role: "rabbitmq", nodeType: v, isSeed: form.get("seed") === hostId });
    }
    const input = ClusterInput.parse({ name: form.get("name"), members });
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
    const c = await deleteCluster(String(id), p);
    if (!c) return { ok: false, message: "No such cluster" };
    revalidatePath("/clusters");
    return { ok: true, message: `Deleted ${c.name} from the inventory` };
  } catch (e) {
    return toActionError(e);
  }
}
