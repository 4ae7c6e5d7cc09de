"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { addUser, removeUser } from "@/lib/actions/admin";
import { Button, Field, Input, Select, StatusLine } from "@/components/ui";

export function AddUserForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addUser);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 md:grid-cols-3">
      <Field label="Username" htmlFor="new-username" error={fe.username}><Input id="new-username" name="username" required /></Field>
      <Field label="Password" htmlFor="new-password" error={fe.password}><Input id="new-password" name="password" type="password" autoComplete="new-password" required /></Field>
      <Field label="Role" htmlFor="new-role" error={fe.role}>
        <Select id="new-role" name="role" defaultValue="viewer">
          <option value="viewer">viewer: reads only</option>
          <option value="operator">operator: runs operations</option>
          <option value="admin">admin: everything</option>
        </Select>
      </Field>
      <div className="flex items-center gap-3 md:col-span-3"><Button disabled={pending}>Add user</Button><StatusLine state={state} /></div>
    </form>
  );
}

export function DeleteUserButton({ id, name }: { id: string; name: string }) {
  return <ConfirmButton question={`Delete user ${name}?`} action={() => removeUser(id)}>Delete</ConfirmButton>;
}
