"use client";
import { useActionState } from "react";
import { login } from "@/lib/actions/auth";
import { Button, Field, Input, StatusLine } from "@/components/ui";

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(login, null);
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <input type="hidden" name="next" value={next} />
      <Field label="Username" htmlFor="username"><Input id="username" name="username" autoComplete="username" required /></Field>
      <Field label="Password" htmlFor="password"><Input id="password" name="password" type="password" autoComplete="current-password" required /></Field>
      <Button type="submit" disabled={pending}>{pending ? "Logging in…" : "Log in"}</Button>
      <StatusLine state={state} />
    </form>
  );
}
