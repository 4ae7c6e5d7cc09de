"use server";
import { revalidatePath } from "next/cache";
import { audit } from "@/lib/audit";
import { requireActionRole } from "@/lib/auth/guard";
import { createApiToken, createUser, deleteUser, revokeApiToken } from "@/lib/auth/users";
import { TokenInput, UserInput } from "@/lib/inventory/schemas";
import { toActionError, type ActionResult } from "./result";

export async function addUser(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const input = UserInput.parse({ username: form.get("username"), password: form.get("password"), role: form.get("role") });
    const u = await createUser(input.username, input.password, input.role);
    await audit(p, "user.create", { type: "user", name: u.username }, `role ${u.role}`);
    revalidatePath("/admin/users");
    return { ok: true, message: `Created ${u.username} (${u.role})` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function removeUser(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    if (id === p.userId) return { ok: false, message: "You cannot delete yourself" };
    const u = await deleteUser(String(id));
    if (!u) return { ok: false, message: "No such user" };
    await audit(p, "user.delete", { type: "user", name: u.username });
    revalidatePath("/admin/users");
    return { ok: true, message: `Deleted ${u.username}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function addToken(_prev: ActionResult<{ token?: string }> | null, form: FormData): Promise<ActionResult<{ token?: string }>> {
  try {
    const p = await requireActionRole("admin");
    const input = TokenInput.parse({ name: form.get("name"), role: form.get("role") });
    const t = await createApiToken(input.name, input.role, p.userId);
    await audit(p, "token.create", { type: "token", name: t.name }, `role ${t.role}`);
    revalidatePath("/admin/tokens");
    return { ok: true, message: "Copy the token now: it is shown only once", token: t.token };
  } catch (e) {
    return toActionError(e);
  }
}

export async function revokeToken(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const t = await revokeApiToken(String(id));
    if (!t) return { ok: false, message: "No such token" };
    await audit(p, "token.revoke", { type: "token", name: t.name });
    revalidatePath("/admin/tokens");
    return { ok: true, message: `Revoked ${t.name}` };
  } catch (e) {
    return toActionError(e);
  }
}
