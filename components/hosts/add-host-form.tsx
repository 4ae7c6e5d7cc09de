"use client";
import { useRef, useState, type ChangeEvent } from "react";
import { useFormAction } from "@/components/ui/use-form-action";
import { addHost } from "@/lib/actions/hosts";
import { Button, Field, Input, Select, StatusLine, Textarea } from "@/components/ui";

export function AddHostForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addHost);
  const [authType, setAuthType] = useState<"key" | "password">("key");
  const keyRef = useRef<HTMLTextAreaElement>(null);
  const onKeyFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f && keyRef.current) keyRef.current.value = await f.text();
  };
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 md:grid-cols-2">
      <Field label="Name" htmlFor="name" error={fe.name} hint="Its short hostname, e.g. node1 (becomes rabbit@node1)"><Input id="name" name="name" required /></Field>
      <Field label="Address" htmlFor="address" error={fe.address} hint="IP address or DNS name"><Input id="address" name="address" required /></Field>
      <Field label="SSH port" htmlFor="port" error={fe.port}><Input id="port" name="port" type="number" defaultValue={22} min={1} max={65535} /></Field>
      <Field label="SSH user" htmlFor="username" error={fe.username}><Input id="username" name="username" defaultValue="root" /></Field>
      <Field label="Authentication" htmlFor="authType">
        <Select id="authType" name="authType" value={authType} onChange={(e) => setAuthType(e.target.value as "key" | "password")}>
          <option value="key">Private key</option>
          <option value="password">Password</option>
        </Select>
      </Field>
      <label className="flex items-center gap-2 self-end text-sm"><input type="checkbox" name="useSudo" /> Commands need sudo (non-root user)</label>
      {authType === "key" ? (
        <>
          <div className="md:col-span-2">
            <Field label="Private key" htmlFor="privateKey" error={fe.privateKey} hint="Paste it, or upload the file. It is stored encrypted and never shown again.">
              <Textarea id="privateKey" name="privateKey" rows={5} ref={keyRef} placeholder="-----BEGIN OPENSSH PRIVATE KEY-----" />
            </Field>
            <input aria-label="Upload private key file" type="file" className="mt-1 text-xs" onChange={onKeyFile} />
          </div>
          <Field label="Key passphrase (optional)" htmlFor="passphrase"><Input id="passphrase" name="passphrase" type="password" autoComplete="off" /></Field>
        </>
      ) : (
        <Field label="Password" htmlFor="password" error={fe.password}><Input id="password" name="password" type="password" autoComplete="off" /></Field>
      )}
      <div className="flex items-center gap-3 md:col-span-2">
        <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add host"}</Button>
        <StatusLine state={state} />
      </div>
    </form>
  );
}
