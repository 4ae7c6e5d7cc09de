"use client";
import Link from "next/link";
import { useRef, useState, type ChangeEvent } from "react";
import { useFormAction } from "@/components/ui/use-form-action";
import { addHost } from "@/lib/actions/hosts";
import { AuthType } from "@/lib/vocabulary";
import { Button, Field, Input, Notice, Select, StatusLine, Textarea } from "@/components/ui";

/** Credentials: a private key (pasted or uploaded, with its passphrase) or a password. */
export function CredentialFields({ fe, idPrefix = "" }: { fe: Record<string, string>; idPrefix?: string }) {
  const [authType, setAuthType] = useState<AuthType>(AuthType.key);
  const keyRef = useRef<HTMLTextAreaElement>(null);
  const id = (x: string) => `${idPrefix}${x}`;
  const onKeyFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f && keyRef.current) keyRef.current.value = await f.text();
  };
  return (
    <>
      <Field label="Authentication" htmlFor={id("authType")} error={fe.authType}>
        <Select id={id("authType")} name="authType" value={authType} onChange={(e) => setAuthType(e.target.value as AuthType)}>
          <option value="key">Private key</option>
          <option value="password">Password</option>
        </Select>
      </Field>
      <div className="hidden md:block" />
      {authType === "key" ? (
        <>
          <div className="min-w-0 md:col-span-2">
            <Field label="Private key" htmlFor={id("privateKey")} error={fe.privateKey} hint="Paste it, or upload the file. It is stored encrypted and never shown again.">
              <Textarea id={id("privateKey")} name="privateKey" rows={5} ref={keyRef} placeholder="-----BEGIN OPENSSH PRIVATE KEY-----" />
            </Field>
            <input aria-label="Upload private key file" type="file" className="mt-1 max-w-full text-xs" onChange={onKeyFile} />
          </div>
          <Field label="Key passphrase (optional)" htmlFor={id("passphrase")} error={fe.passphrase}><Input id={id("passphrase")} name="passphrase" type="password" autoComplete="off" /></Field>
        </>
      ) : (
        <Field label="Password" htmlFor={id("password")} error={fe.password}><Input id={id("password")} name="password" type="password" autoComplete="off" /></Field>
      )}
    </>
  );
}

export function AddHostForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addHost);
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="grid gap-3 md:grid-cols-2">
      <Field label="Name" htmlFor="name" error={fe.name} hint="Its short hostname, e.g. node1 (becomes rabbit@node1)"><Input id="name" name="name" required maxLength={63} /></Field>
      <Field label="Address" htmlFor="address" error={fe.address} hint="IP address or DNS name"><Input id="address" name="address" required maxLength={253} /></Field>
      <Field label="SSH port" htmlFor="port" error={fe.port}><Input id="port" name="port" type="number" defaultValue={22} min={1} max={65535} /></Field>
      <Field label="SSH user" htmlFor="username" error={fe.username}><Input id="username" name="username" defaultValue="root" maxLength={32} /></Field>
      <CredentialFields fe={fe} />
      <label className="flex items-center gap-2 self-end text-sm"><input type="checkbox" name="useSudo" /> Commands need sudo (non-root user)</label>
      <label className="flex items-start gap-2 text-sm md:col-span-2">
        <input type="checkbox" name="confirmFirstKey" className="mt-1" />
        <span>Let me compare the host key before Warren trusts it <span className="text-muted">(otherwise the first key seen is pinned, and any later change is refused until an admin accepts it)</span></span>
      </label>
      <div className="flex flex-wrap items-center gap-3 md:col-span-2">
        <Button type="submit" busy={pending}>{pending ? "Adding and connecting…" : "Add host"}</Button>
        {!(state?.ok && state.warning) && <StatusLine state={state} />}
      </div>
      {state?.ok && state.warning && (
        <div className="md:col-span-2" data-testid="add-host-warning">
          <Notice tone="amber" title="Added, with a problem">{state.message} {state.hostId && <Link className="text-accent underline" href={`/hosts/${state.hostId}`}>Open the host</Link>}</Notice>
        </div>
      )}
    </form>
  );
}
