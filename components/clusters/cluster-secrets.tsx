"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { Eye, EyeOff, KeyRound } from "lucide-react";
import { revealSecret } from "@/lib/actions/clusters";
import { Button, Notice } from "@/components/ui";
import { CopyButton } from "@/components/ui/copy";
import { Time } from "@/components/ui/time";

export interface SecretRow { name: string; label: string; updatedAt: string; rotatingInRun: string | null; rotateWith?: string }

/**
 * The cluster's secrets by name. Admins may reveal a value (each reveal is
 * audited) and rotate those an operation can rotate; nobody else sees more
 * than the names.
 */
export function ClusterSecrets({ clusterId, secrets, admin }: { clusterId: string; secrets: SecretRow[]; admin: boolean }) {
  if (!secrets.length) return <p className="text-sm text-muted">None yet: setup generates them.</p>;
  return (
    <ul className="flex flex-col divide-y divide-line" aria-label="Secrets">
      {secrets.map((s) => <SecretItem key={s.name} clusterId={clusterId} s={s} admin={admin} />)}
    </ul>
  );
}

function SecretItem({ clusterId, s, admin }: { clusterId: string; s: SecretRow; admin: boolean }) {
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <li className="flex flex-col gap-2 py-2 text-sm" data-testid={`secret-${s.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <KeyRound aria-hidden className="size-4 text-muted" />
        <span className="font-medium">{s.label}</span>
        <span className="text-xs text-muted">changed <Time date={s.updatedAt} /></span>
        {s.rotatingInRun && <Link className="text-xs text-accent underline" href={`/runs/${s.rotatingInRun}`}>rotation started, not finished</Link>}
        {admin && (
          <span className="ml-auto flex flex-wrap gap-2">
            {value === null ? (
              <Button variant="secondary" size="sm" busy={pending} onClick={() => start(async () => {
                setError(null);
                const r = await revealSecret(clusterId, s.name);
                if (!r.ok) setError(r.message);
                else if (typeof r.value === "string") setValue(r.value);
              })}><Eye aria-hidden className="size-3.5" />Reveal</Button>
            ) : (
              <Button variant="secondary" size="sm" onClick={() => setValue(null)}><EyeOff aria-hidden className="size-3.5" />Hide</Button>
            )}
            {s.rotateWith && <Link className="inline-flex items-center rounded-md border border-line px-2 py-1 text-xs hover:bg-surface-2" href={`?action=${s.rotateWith}#actions`}>Rotate…</Link>}
          </span>
        )}
      </div>
      {value !== null && (
        <div className="flex flex-wrap items-center gap-2">
          <code className="mono break-all rounded bg-surface-2 px-2 py-1" data-testid={`secret-value-${s.name}`}>{value}</code>
          <CopyButton text={value} />
          <span className="text-xs text-muted">This reveal was recorded in the audit log.</span>
        </div>
      )}
      {error && <Notice tone="red">{error}</Notice>}
    </li>
  );
}
