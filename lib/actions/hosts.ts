"use server";
import { revalidatePath } from "next/cache";
import { requireActionRole } from "@/lib/auth/guard";
import { HostInput, HostUpdate } from "@/lib/inventory/schemas";
import { acceptHostKey, createHost, deleteHost, testConnection, updateHost, type ConnectionReport } from "@/lib/inventory/hosts";
import { toActionError, type ActionResult } from "./result";
import { FormArg, IdArg, NameArg } from "./args";

function hostFromForm(form: FormData) {
  return {
    name: form.get("name"),
    address: form.get("address"),
    port: form.get("port") ? Number(form.get("port")) : 22,
    username: form.get("username") || "root",
    authType: form.get("authType"),
    privateKey: form.get("privateKey") || undefined,
    passphrase: form.get("passphrase") || undefined,
    password: form.get("password") || undefined,
    useSudo: form.get("useSudo") === "on",
    trustFirstKey: form.get("confirmFirstKey") !== "on",
  };
}

export async function addHost(_prev: ActionResult | null, form: FormData): Promise<ActionResult<{ warning?: boolean; hostId?: string }>> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("operator");
    const input = HostInput.parse(hostFromForm(form));
    const h = await createHost(input, p);
    revalidatePath("/hosts");
    // Connect at once, so an unreachable host or a key waiting for comparison is said now, not at setup.
    const r = await testConnection(h.id, p);
    if (!r) return { ok: true, message: `Added ${h.name}` };
    if (r.ok) return { ok: true, message: `Added ${h.name}: reachable (${r.facts?.os.prettyName ?? "unknown OS"}), host key ${r.fingerprint} pinned`, hostId: h.id };
    if (r.error?.kind === "hostkey" && !r.fingerprint)
      return { ok: true, warning: true, message: `Added ${h.name}. Its host key waits for you to compare it: open the host's page`, hostId: h.id };
    return { ok: true, warning: true, message: `Added ${h.name}, but Warren cannot reach it: ${r.error?.message ?? "unknown error"}. Fix the address, credentials or network, then test again from its page`, hostId: h.id };
  } catch (e) {
    return toActionError(e);
  }
}

export async function removeHost(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("operator");
    const h = await deleteHost(IdArg.parse(id), p);
    if (!h) return { ok: false, message: "No such host" };
    revalidatePath("/hosts");
    return { ok: true, message: `Deleted ${h.name} from the inventory (the machine itself is untouched)` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function testHostConnection(id: string): Promise<ActionResult<{ report: ConnectionReport }>> {
  try {
    const p = await requireActionRole("operator");
    const report = await testConnection(IdArg.parse(id), p);
    if (!report) return { ok: false, message: "No such host" };
    revalidatePath(`/hosts/${id}`);
    return { ok: true, report };
  } catch (e) {
    return toActionError(e);
  }
}

/** A first key (operator) or a changed key (admin: acceptHostKey decides). */
export async function acceptNewHostKey(id: string, fingerprint: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("operator");
    const h = await acceptHostKey(IdArg.parse(id), NameArg.parse(fingerprint), p);
    if (!h) return { ok: false, message: "No such host" };
    revalidatePath(`/hosts/${id}`);
    return { ok: true, message: `Pinned the new key ${fingerprint}` };
  } catch (e) {
    return toActionError(e);
  }
}

/** The edit form: empty credential fields keep the stored ones. */
export async function editHost(id: string, _prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("operator");
    const replace = form.get("replaceCredentials") === "on";
    const input = HostUpdate.parse({
      ...(form.has("name") ? { name: form.get("name") } : {}),
      address: form.get("address"),
      port: form.get("port") ? Number(form.get("port")) : undefined,
      username: form.get("username") || undefined,
      useSudo: form.get("useSudo") === "on",
      ...(replace ? { authType: form.get("authType"), privateKey: form.get("privateKey") || undefined, passphrase: form.get("passphrase") || undefined, password: form.get("password") || undefined } : {}),
    });
    const h = await updateHost(IdArg.parse(id), input, p);
    if (!h) return { ok: false, message: "No such host" };
    revalidatePath(`/hosts/${id}`);
    revalidatePath("/hosts");
    return { ok: true, message: `Saved ${h.name}. Test the connection to check the new settings.` };
  } catch (e) {
    return toActionError(e);
  }
}
