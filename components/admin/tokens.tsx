"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { addToken, revokeToken } from "@/lib/actions/admin";
import { Button, Field, Input, Select, StatusLine } from "@/components/ui";

export function AddTokenForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addToken);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="flex flex-col gap-3">
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Name" htmlFor="token-name" error={fe.name}><Input id="token-name" name="name" required /></Field>
        <Field label="Role" htmlFor="token-role">
          <Select id="token-role" name="role" defaultValue="viewer"><option value="viewer">viewer</option><option value="operator">operator</option><option value="admin">admin</option></Select>
        </Field>
      </div>
      <div className="flex items-center gap-3"><Button disabled={pending}>Create token</Button><StatusLine state={state} /></div>
      {state?.ok && state.token && <pre data-testid="new-token" className="mono rounded bg-slate-100 p-2 text-xs">{state.token}</pre>}
    </form>
  );
}

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  return <ConfirmButton question={`Revoke token ${name}? Clients using it stop working at once.`} action={() => revokeToken(id)}>Revoke</ConfirmButton>;
}
