"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { testHostConnection } from "@/lib/actions/hosts";
import { Badge, Button } from "@/components/ui";

export function TestConnection({ id }: { id: string }) {
  const router = useRouter();
  const m = useMutation({
    mutationFn: () => testHostConnection(id),
    onSuccess: () => router.refresh(),
  });
  const r = m.data?.ok ? m.data.report : null;
  return (
    <div className="flex flex-col gap-3">
      <div><Button onClick={() => m.mutate()} disabled={m.isPending}>{m.isPending ? "Testing…" : "Test connection"}</Button></div>
      {m.data && !m.data.ok && <p role="alert" className="text-sm text-red-700">{m.data.message}</p>}
      {r && !r.ok && (
        <div role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm">
          <p className="font-medium text-red-800">Cannot connect ({r.error?.kind})</p>
          <p className="mono text-xs">{r.error?.message}</p>
        </div>
      )}
      {r?.ok && r.facts && (
        <dl data-testid="connection-report" className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm">
          <dt className="text-slate-500">Reachable</dt><dd><Badge tone="green">yes</Badge> connect {r.connectMs} ms, probe {r.commandMs} ms</dd>
          <dt className="text-slate-500">Host key</dt><dd className="mono">{r.fingerprint}</dd>
          <dt className="text-slate-500">OS</dt><dd>{r.facts.os.prettyName ?? "unknown"}</dd>
          <dt className="text-slate-500">Hostname</dt><dd className="mono">{r.facts.hostname}</dd>
          <dt className="text-slate-500">Package manager</dt><dd>{r.facts.packageManager ?? <Badge tone="red">none found</Badge>}</dd>
          <dt className="text-slate-500">systemd</dt><dd>{r.facts.systemd ? <Badge tone="green">yes</Badge> : <Badge tone="red">no</Badge>}</dd>
          <dt className="text-slate-500">Privileges</dt><dd>{r.facts.sudo === "root" ? "root" : r.facts.sudo === "yes" ? <Badge tone="green">sudo works</Badge> : <Badge tone="red">no passwordless sudo</Badge>}</dd>
        </dl>
      )}
    </div>
  );
}
