"use server";
import { revalidatePath } from "next/cache";
import { requireActionRole } from "@/lib/auth/guard";
import { changeRole, createApiToken, createUser, deleteApiToken, deleteUser, revokeApiToken } from "@/lib/auth/users";
import { TokenInput, UserInput } from "@/lib/inventory/schemas";
import { toActionError, type ActionResult } from "./result";
import { FormArg, IdArg } from "./args";

export async function addUser(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("admin");
    const input = UserInput.parse({ username: form.get("username"), password: form.get("password"), role: form.get("role") });
    const u = await createUser(input.username, input.password, input.role, p);
    revalidatePath("/admin/users");
    return { ok: true, message: `Created ${u.username} (${u.role})` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function removeUser(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const u = await deleteUser(IdArg.parse(id), p);
    if (!u) return { ok: false, message: "No such user" };
    revalidatePath("/admin/users");
    return { ok: true, message: `Deleted ${u.username}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function addToken(_prev: ActionResult<{ token?: string }> | null, form: FormData): Promise<ActionResult<{ token?: string }>> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("admin");
    const days = String(form.get("expiresInDays") ?? "").trim();
    const input = TokenInput.parse({ name: form.get("name"), role: form.get("role"), ...(days ? { expiresInDays: Number(days) } : {}) });
    const t = await createApiToken(input, p);
    revalidatePath("/admin/tokens");
    return { ok: true, message: "Copy the token now: it is shown only once", token: t.token };
  } catch (e) {
    return toActionError(e);
  }
}

export async function revokeToken(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const t = await revokeApiToken(IdArg.parse(id), p);
    if (!t) return { ok: false, message: "No such token" };
    revalidatePath("/admin/tokens");
    return { ok: true, message: `Revoked ${t.name}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function forgetToken(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const t = await deleteApiToken(IdArg.parse(id), p);
    if (!t) return { ok: false, message: "No such token" };
    revalidatePath("/admin/tokens");
    return { ok: true, message: `Removed ${t.name}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function setUserRole(id: string, role: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const parsed = UserInput.shape.role.parse(role);
    const u = await changeRole(IdArg.parse(id), parsed, p);
    if (!u) return { ok: false, message: "No such user" };
    revalidatePath("/admin/users");
    return { ok: true, message: `${u.username} is now ${u.role}` };
  } catch (e) {
    return toActionError(e);
  }
}
