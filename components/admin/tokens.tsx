"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy";
import { addToken, forgetToken, revokeToken } from "@/lib/actions/admin";
import { Button, Field, Input, Notice, Select, StatusLine } from "@/components/ui";

export function AddTokenForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addToken);
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="flex flex-col gap-3">
      <div className="grid gap-3 md:grid-cols-3">
        <Field label="Name" htmlFor="token-name" error={fe.name} hint="What uses it, e.g. ci-deploy"><Input id="token-name" name="name" required maxLength={64} aria-invalid={!!fe.name} /></Field>
        <Field label="Role" htmlFor="token-role" error={fe.role}>
          <Select id="token-role" name="role" defaultValue="viewer"><option value="viewer">viewer (read)</option><option value="operator">operator (run operations)</option><option value="admin">admin</option></Select>
        </Field>
        <Field label="Expires after (days)" htmlFor="token-expiry" error={fe.expiresInDays} hint="Empty: never expires">
          <Input id="token-expiry" name="expiresInDays" type="number" min={1} max={3650} defaultValue={90} aria-invalid={!!fe.expiresInDays} />
        </Field>
      </div>
      <div className="flex items-center gap-3"><Button busy={pending}>Create token</Button><StatusLine state={state} /></div>
      {state?.ok && state.token && (
        <Notice tone="amber" title="Copy the token now: it is shown only once">
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="new-token" className="mono break-all rounded bg-surface-2 px-2 py-1 text-xs">{state.token}</code>
            <CopyButton text={state.token} label="Copy token" />
          </div>
        </Notice>
      )}
    </form>
  );
}

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  return <ConfirmButton question={`Revoke token ${name}? Clients using it stop working at once.`} action={() => revokeToken(id)} label={`Revoke ${name}`}>Revoke</ConfirmButton>;
}

export function ForgetTokenButton({ id, name }: { id: string; name: string }) {
  return <ConfirmButton question={`Remove token ${name} from the list? It no longer works either way; the audit log keeps its history.`} action={() => forgetToken(id)} label={`Remove ${name}`}>Remove</ConfirmButton>;
}
