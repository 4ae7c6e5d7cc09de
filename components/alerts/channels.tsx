"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/ui/use-form-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy";
import { Button, Field, Input, Notice, Select, StatusLine } from "@/components/ui";
import { addChannel, addRoute, removeChannel, removeRoute, sendTestNotification } from "@/lib/actions/alerts";

type ChannelType = "webhook" | "slack" | "email";

/** A channel of one of the three kinds; secrets are typed in once and never shown again. */
export function ChannelForm() {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addChannel);
  const [type, setType] = useState<ChannelType>("webhook");
  const [security, setSecurity] = useState("starttls");
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="flex flex-col gap-3" aria-label="New channel">
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Kind" htmlFor="channel-type">
          <Select id="channel-type" name="type" value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
            <option value="webhook">Webhook (JSON, signed)</option>
            <option value="slack">Slack-compatible incoming webhook</option>
            <option value="email">Email (SMTP)</option>
          </Select>
        </Field>
        <Field label="Name" htmlFor="channel-name" error={fe.name}><Input id="channel-name" name="name" required maxLength={64} aria-invalid={!!fe.name} /></Field>
      </div>
      {type !== "email" ? (
        <div className="grid gap-3 md:grid-cols-2">
          <Field label={type === "slack" ? "Incoming webhook URL" : "URL"} htmlFor="channel-url" error={fe.url} hint="Kept sealed; only its scheme and host are shown after this">
            <Input id="channel-url" name="url" type="url" required maxLength={2000} autoComplete="off" aria-invalid={!!fe.url} placeholder={type === "slack" ? "https://hooks.slack.com/services/…" : "https://example.com/warren-hook"} />
          </Field>
          {type === "webhook" && (
            <Field label="Signing key" htmlFor="channel-key" error={fe.signingKey} hint="Empty: Warren makes one and shows it once. Receivers check X-Warren-Signature with it">
              <Input id="channel-key" name="signingKey" type="password" autoComplete="new-password" maxLength={256} aria-invalid={!!fe.signingKey} />
            </Field>
          )}
        </div>
      ) : (
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
          <Field label="SMTP server" htmlFor="channel-host" error={fe.host}><Input id="channel-host" name="host" required maxLength={253} aria-invalid={!!fe.host} placeholder="smtp.example.com" /></Field>
          <Field label="Port" htmlFor="channel-port" error={fe.port}><Input id="channel-port" name="port" type="number" min={1} max={65535} defaultValue={587} aria-invalid={!!fe.port} /></Field>
          <Field label="Security" htmlFor="channel-security" error={fe.security}>
            <Select id="channel-security" name="security" value={security} onChange={(e) => setSecurity(e.target.value)}>
              <option value="starttls">STARTTLS (required)</option>
              <option value="tls">TLS from the start (port 465)</option>
              <option value="none">none (a relay on this machine only)</option>
            </Select>
          </Field>
          <Field label="User" htmlFor="channel-user" error={fe.username} hint="Empty: no authentication"><Input id="channel-user" name="username" autoComplete="off" maxLength={256} aria-invalid={!!fe.username} /></Field>
          <Field label="Password" htmlFor="channel-password" error={fe.password} hint="Kept sealed, never shown again"><Input id="channel-password" name="password" type="password" autoComplete="new-password" maxLength={1024} aria-invalid={!!fe.password} /></Field>
          <Field label="From" htmlFor="channel-from" error={fe.from}><Input id="channel-from" name="from" type="email" required maxLength={254} aria-invalid={!!fe.from} placeholder="warren@example.com" /></Field>
          <Field label="To" htmlFor="channel-to" error={fe.to} hint="One or more addresses, separated by commas"><Input id="channel-to" name="to" required maxLength={4000} aria-invalid={!!fe.to} placeholder="oncall@example.com" /></Field>
          {security !== "none" && (
            <label className="flex items-center gap-2 self-end text-sm"><input type="checkbox" name="verifyCertificate" defaultChecked /> Verify the server&apos;s certificate</label>
          )}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3"><Button busy={pending}>Add channel</Button><StatusLine state={state} /></div>
      {state?.ok && state.signingKey && (
        <Notice tone="amber" title="Copy the signing key now: it is shown only once">
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="new-signing-key" className="mono break-all rounded bg-surface-2 px-2 py-1 text-xs">{state.signingKey}</code>
            <CopyButton text={state.signingKey} label="Copy key" />
          </div>
        </Notice>
      )}
    </form>
  );
}

/** "Send a test": through the outbox like a real notification; shows the first attempt's result. */
export function TestChannelButton({ id, name }: { id: string; name: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ ok: boolean; message?: string } | null>(null);
  const router = useRouter();
  return (
    <span className="inline-flex min-w-0 flex-wrap items-center gap-2">
      <Button variant="secondary" size="sm" busy={pending} aria-label={`Send a test to ${name}`} onClick={() => start(async () => {
        setResult(null);
        const r = await sendTestNotification(id);
        setResult(r);
        router.refresh();
      })}>Send a test</Button>
      <span role="status" aria-live="polite" data-testid={`test-result-${name}`} className={result?.ok === false ? "break-words text-xs text-red-700 dark:text-red-400" : "break-words text-xs text-green-700 dark:text-green-400"}>{pending ? "Sending…" : result?.message ?? ""}</span>
    </span>
  );
}

export function DeleteChannelButton({ id, name }: { id: string; name: string }) {
  return <ConfirmButton question={`Delete channel ${name}, its routes and its delivery log?`} action={() => removeChannel(id)} label={`Delete channel ${name}`}>Delete</ConfirmButton>;
}

export function RouteForm({ channels, clusters }: { channels: { id: string; name: string }[]; clusters: { id: string; name: string }[] }) {
  const { state, pending, formRef, onSubmit, fieldErrors: fe } = useFormAction(addRoute);
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} className="flex flex-col gap-3" aria-label="New route">
      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-4">
        <Field label="Incidents of" htmlFor="route-cluster" error={fe.clusterId}>
          <Select id="route-cluster" name="clusterId" defaultValue="">
            <option value="">every cluster</option>
            {clusters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </Select>
        </Field>
        <Field label="From severity" htmlFor="route-severity" error={fe.minSeverity}>
          <Select id="route-severity" name="minSeverity" defaultValue="warning"><option value="warning">warning and critical</option><option value="critical">critical only</option></Select>
        </Field>
        <Field label="To channel" htmlFor="route-channel" error={fe.channelId}>
          <Select id="route-channel" name="channelId" defaultValue={channels[0]?.id ?? ""}>
            {channels.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </Select>
        </Field>
        <Field label="Repeat every (minutes)" htmlFor="route-repeat" error={fe.repeatMinutes} hint="While it lasts; 0: never">
          <Input id="route-repeat" name="repeatMinutes" type="number" min={0} max={10080} defaultValue={240} aria-invalid={!!fe.repeatMinutes} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3"><Button busy={pending} disabled={!channels.length}>Add route</Button><StatusLine state={state} /></div>
    </form>
  );
}

export function DeleteRouteButton({ id, what }: { id: string; what: string }) {
  return <ConfirmButton question={`Delete the route ${what}?`} action={() => removeRoute(id)} label={`Delete the route ${what}`}>Delete</ConfirmButton>;
}
