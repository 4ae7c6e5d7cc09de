"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { changePassword } from "@/lib/actions/auth";
import { Button, Field, Input, StatusLine } from "@/components/ui";

export function ChangePasswordForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(changePassword);
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="flex max-w-sm flex-col gap-3">
      <Field label="Current password" htmlFor="current" error={fe.current}><Input id="current" name="current" type="password" autoComplete="current-password" required aria-invalid={!!fe.current} /></Field>
      <Field label="New password" htmlFor="next" error={fe.password ?? fe.next} hint="At least 10 characters"><Input id="next" name="next" type="password" autoComplete="new-password" required aria-invalid={!!(fe.password ?? fe.next)} /></Field>
      <Field label="New password again" htmlFor="confirm" error={fe.confirm}><Input id="confirm" name="confirm" type="password" autoComplete="new-password" required aria-invalid={!!fe.confirm} /></Field>
      <div className="flex items-center gap-3"><Button type="submit" busy={pending}>Change password</Button><StatusLine state={state} /></div>
      <p className="text-xs text-muted">Every session of yours ends; you log in again with the new password.</p>
    </form>
  );
}
