"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { audit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { createSession, deleteSession, principalFromCredentials, SESSION_COOKIE } from "@/lib/auth/principal";
import { newSecretToken } from "@/lib/auth/tokens";
import { UserInput } from "@/lib/inventory/schemas";
import { toActionError, type ActionResult } from "./result";

async function startSession(userId: string) {
  const value = newSecretToken("");
  const expires = await createSession(userId, value);
  (await cookies()).set(SESSION_COOKIE, value, {
    httpOnly: true, sameSite: "lax", secure: env().WARREN_SECURE_COOKIES === "1", path: "/", expires,
  });
}

function safeNext(next: unknown): string {
  // Only same-site paths: never an open redirect.
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export async function login(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const username = String(form.get("username") ?? "");
  const password = String(form.get("password") ?? "");
  const p = await principalFromCredentials(username, password);
  if (!p) {
    await audit(username.slice(0, 64) || "(empty)", "login.failed");
    return { ok: false, message: "Wrong username or password" };
  }
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
    const input = UserInput.parse({ username: form.get("username"), password: form.get("password"), role: "admin" });
    if (form.get("password") !== form.get("confirm"))
      return { ok: false, message: "The passwords differ", fieldErrors: { confirm: "Does not match the password" } };
    const passwordHash = await hashPassword(input.password);
    const user = await db().$transaction(async (tx) => {
      if ((await tx.user.count()) > 0) return null;
      return tx.user.create({ data: { username: input.username, passwordHash, role: "admin" } });
    });
    if (!user) return { ok: false, message: "An admin account already exists: log in instead" };
    await audit(user.username, "user.create-first-admin", { type: "user", name: user.username });
    await startSession(user.id);
  } catch (e) {
    return toActionError(e);
  }
  redirect("/");
}
