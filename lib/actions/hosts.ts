"use server";
import { revalidatePath } from "next/cache";
import { requireActionRole } from "@/lib/auth/guard";
import { HostInput } from "@/lib/inventory/schemas";
import { acceptHostKey, createHost, deleteHost, testConnection, type ConnectionReport } from "@/lib/inventory/hosts";
import { toActionError, type ActionResult } from "./result";

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

export async function addHost(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    const p = await requireActionRole("operator");
    const input = HostInput.parse(hostFromForm(form));
    const h = await createHost(input, p);
    revalidatePath("/hosts");
    return { ok: true, message: `Added ${h.name}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function removeHost(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("operator");
    const h = await deleteHost(String(id), p);
    if (!h) return { ok: false, message: "No such host" };
    revalidatePath("/hosts");
    return { ok: true, message: `Deleted ${h.name}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function testHostConnection(id: string): Promise<ActionResult<{ report: ConnectionReport }>> {
  try {
    const p = await requireActionRole("operator");
    const report = await testConnection(String(id), p);
    if (!report) return { ok: false, message: "No such host" };
    revalidatePath(`/hosts/${id}`);
    return { ok: true, report };
  } catch (e) {
    return toActionError(e);
  }
}

export async function acceptNewHostKey(id: string, fingerprint: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const h = await acceptHostKey(String(id), String(fingerprint), p);
    if (!h) return { ok: false, message: "No such host" };
    revalidatePath(`/hosts/${id}`);
    return { ok: true, message: `Pinned the new key ${fingerprint}` };
  } catch (e) {
    return toActionError(e);
  }
}
