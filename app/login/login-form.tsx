"use client";
import { login } from "@/lib/actions/auth";
import { Button, Field, Input, StatusLine } from "@/components/ui";
import { useFormAction } from "@/components/ui/use-form-action";

export function LoginForm({ next, notice }: { next: string; notice?: string }) {
  // Keeps what was typed when the login is refused (React would reset the form).
  const { state, pending, formRef, onSubmit } = useFormAction(login);
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-5 shadow-sm">
      <input type="hidden" name="next" value={next} />
      <Field label="Username" htmlFor="username"><Input id="username" name="username" autoComplete="username" required /></Field>
      <Field label="Password" htmlFor="password"><Input id="password" name="password" type="password" autoComplete="current-password" required /></Field>
      <Button type="submit" busy={pending}>{pending ? "Logging in…" : "Log in"}</Button>
      <StatusLine state={state ?? (notice ? { ok: true, message: notice } : null)} />
    </form>
  );
}
