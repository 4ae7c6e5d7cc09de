"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { addUser, removeUser, setUserRole } from "@/lib/actions/admin";
import { Button, Field, Input, Select, StatusLine } from "@/components/ui";

export function AddUserForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addUser);
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="grid gap-3 md:grid-cols-3">
      <Field label="Username" htmlFor="new-username" error={fe.username}><Input id="new-username" name="username" required aria-invalid={!!fe.username} /></Field>
      <Field label="Password" htmlFor="new-password" error={fe.password}><Input id="new-password" name="password" type="password" autoComplete="new-password" required aria-invalid={!!fe.password} /></Field>
      <Field label="Role" htmlFor="new-role" error={fe.role}>
        <Select id="new-role" name="role" defaultValue="viewer">
          <option value="viewer">viewer: reads only</option>
          <option value="operator">operator: runs operations</option>
          <option value="admin">admin: everything</option>
        </Select>
      </Field>
      <div className="flex items-center gap-3 md:col-span-3"><Button busy={pending}>Add user</Button><StatusLine state={state} /></div>
    </form>
  );
}

export function DeleteUserButton({ id, name }: { id: string; name: string }) {
  return <ConfirmButton question={`Delete user ${name}?`} action={() => removeUser(id)}>Delete</ConfirmButton>;
}

/** A user's role, changed on the spot (the last admin cannot be demoted: the server says so). */
export function RoleSelect({ id, name, role }: { id: string; name: string; role: string }) {
  const [pending, start] = useTransition();
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const router = useRouter();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Select aria-label={`Role of ${name}`} className="w-auto" defaultValue={role} disabled={pending} onChange={(e) => {
        const next = e.target.value;
        start(async () => {
          const r = await setUserRole(id, next);
          setMsg({ ok: r.ok, text: r.message ?? "" });
          if (!r.ok) e.target.value = role;
          router.refresh();
        });
      }}>
        <option value="viewer">viewer</option><option value="operator">operator</option><option value="admin">admin</option>
      </Select>
      {msg && <span role={msg.ok ? "status" : "alert"} className={msg.ok ? "text-xs text-muted" : "text-xs text-red-700 dark:text-red-400"}>{msg.text}</span>}
    </span>
  );
}
