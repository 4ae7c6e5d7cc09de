"use client";
import { useEffect, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { testHostConnection } from "@/lib/actions/hosts";
import { Badge, Button, Notice } from "@/components/ui";

/** Connects afresh and reports what Warren finds; the result is kept on the host (shown after a reload too). */
export function TestConnection({ id }: { id: string }) {
  const router = useRouter();
  const m = useMutation({ mutationFn: () => testHostConnection(id), onSuccess: () => router.refresh() });
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (!m.isPending) return;
    const t0 = Date.now();
    const t = setInterval(() => setElapsed(Math.round((Date.now() - t0) / 1000)), 500);
    return () => { clearInterval(t); setElapsed(0); };
  }, [m.isPending]);
  const r = m.data?.ok ? m.data.report : null;
  return (
    <div className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={() => m.mutate()} busy={m.isPending}>{m.isPending ? "Testing…" : "Test connection"}</Button>
        {m.isPending && <span role="status" className="text-sm text-muted">Connecting{elapsed > 0 ? ` (${elapsed} s; an unreachable host gives up after 10 s)` : ""}</span>}
      </div>
      {m.data && !m.data.ok && <Notice tone="red">{m.data.message}</Notice>}
      {r && !r.ok && (
        <div role="alert"><Notice tone="red" title={`Cannot connect (${r.error?.kind})`}><p className="mono break-words text-xs">{r.error?.message}</p></Notice></div>
      )}
      {r?.ok && r.facts && (
        <dl data-testid="connection-report" className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted">Reachable</dt><dd><Badge tone="green">yes</Badge> connect {r.connectMs} ms, probe {r.commandMs} ms</dd>
          <dt className="text-muted">Host key</dt><dd className="mono break-all">{r.fingerprint}</dd>
          <dt className="text-muted">OS</dt><dd>{r.facts.os.prettyName ?? "unknown"}</dd>
          {r.platform && <><dt className="text-muted">Platform</dt><dd><span className="mono">{r.platform.id}</span> {r.platform.label ? <Badge tone="green">supported</Badge> : <Badge tone="red">not supported</Badge>}</dd></>}
          <dt className="text-muted">Hostname</dt><dd className="mono">{r.facts.hostname}</dd>
          <dt className="text-muted">Package manager</dt><dd>{r.facts.packageManager ?? <Badge tone="red">none found</Badge>}</dd>
          <dt className="text-muted">systemd</dt><dd>{r.facts.systemd ? <Badge tone="green">yes</Badge> : <Badge tone="red">no</Badge>}</dd>
          <dt className="text-muted">Privileges</dt><dd>{r.facts.sudo === "root" ? "root" : r.facts.sudo === "yes" ? <Badge tone="green">sudo works</Badge> : <Badge tone="red">no passwordless sudo</Badge>}</dd>
        </dl>
      )}
    </div>
  );
}
