"use client";
import { useActionState } from "react";
import { createFirstAdmin } from "@/lib/actions/auth";
import { Button, Field, Input, StatusLine } from "@/components/ui";

export function SetupForm() {
  const [state, action, pending] = useActionState(createFirstAdmin, null);
  const fe = state && !state.ok ? state.fieldErrors ?? {} : {};
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-5 shadow-sm">
      <h2 className="font-semibold">Create the admin account</h2>
      <Field label="Username" htmlFor="username" error={fe.username}><Input id="username" name="username" defaultValue="admin" required /></Field>
      <Field label="Password" htmlFor="password" error={fe.password} hint="At least 10 characters"><Input id="password" name="password" type="password" autoComplete="new-password" required /></Field>
      <Field label="Confirm password" htmlFor="confirm" error={fe.confirm}><Input id="confirm" name="confirm" type="password" autoComplete="new-password" required /></Field>
      <Button type="submit" busy={pending}>Create admin account</Button>
      <StatusLine state={state} />
    </form>
  );
}
