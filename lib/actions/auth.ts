"use server";
import { cookies, headers } from "next/headers";
import { isTooManyAttempts } from "@/lib/auth/throttle";
import { isBusy } from "@/lib/auth/fair-queue";
import { clientAddress } from "@/lib/net/client-address";
import { redirect } from "next/navigation";
import { env } from "@/lib/env";
import { audit } from "@/lib/audit";
import { changeOwnPassword, createFirstAdmin as createFirstAdminUser } from "@/lib/auth/users";
import { requireActionRole } from "@/lib/auth/guard";
import { createSession, deleteSession, principalFromCredentials, SESSION_COOKIE } from "@/lib/auth/principal";
import { newSecretToken } from "@/lib/auth/tokens";
import { UserInput } from "@/lib/inventory/schemas";
import { toActionError, type ActionResult } from "./result";
import { FormArg } from "./args";
import { safeNext } from "@/lib/auth/redirect";

async function startSession(userId: string) {
  const value = newSecretToken("");
  const expires = await createSession(userId, value);
  (await cookies()).set(SESSION_COOKIE, value, {
    httpOnly: true, sameSite: "lax", secure: env().WARREN_SECURE_COOKIES === "1", path: "/", expires,
  });
}


export async function login(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  let p;
  try {
    FormArg.parse(form);
    const username = form.get("username"), password = form.get("password");
    if (typeof username !== "string" || typeof password !== "string") return { ok: false, message: "Wrong username or password" };
    p = await principalFromCredentials(username, password, clientAddress(await headers()));
  } catch (e) {
    if (isTooManyAttempts(e)) return { ok: false, code: "too-many-attempts", message: e.message };
    if (isBusy(e)) return { ok: false, code: "busy", message: e.message };
    return toActionError(e);
  }
  if (!p) return { ok: false, message: "Wrong username or password" };
  await startSession(p.userId);
  await audit(p, "login");
  redirect(safeNext(form.get("next")));
}

export async function logout(): Promise<void> {
  const c = await cookies();
  const v = c.get(SESSION_COOKIE)?.value;
  if (v) await deleteSession(v);
  c.delete(SESSION_COOKIE);
  redirect("/login");
}

/** Only while no user exists: the first visitor creates the admin account. */
export async function createFirstAdmin(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const input = UserInput.parse({ username: form.get("username"), password: form.get("password"), role: "admin" });
    if (form.get("password") !== form.get("confirm"))
      return { ok: false, message: "The passwords differ", fieldErrors: { confirm: "Does not match the password" } };
    const user = await createFirstAdminUser(input.username, input.password);
    if (!user) return { ok: false, message: "An admin account already exists: log in instead" };
    await startSession(user.id);
  } catch (e) {
    return toActionError(e);
  }
  redirect("/");
}

export async function changePassword(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const who = await requireActionRole("viewer");
    const { next } = UserInput.pick({ password: true }).transform((v) => ({ next: v.password })).parse({ password: form.get("next") });
    if (form.get("next") !== form.get("confirm")) return { ok: false, message: "The new passwords differ", fieldErrors: { confirm: "Does not match the new password" } };
    await changeOwnPassword(who, String(form.get("current") ?? ""), next, clientAddress(await headers()));
  } catch (e) {
    return toActionError(e);
  }
  redirect("/login?changed=1");
}
