"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { acceptNewHostKey } from "@/lib/actions/hosts";
import { Button } from "@/components/ui";

export function AcceptHostKey({ id, fingerprint }: { id: string; fingerprint: string }) {
  const [pending, start] = useTransition();
  const [msg, setMsg] = useState<string | null>(null);
  const router = useRouter();
  return (
    <div className="mt-3 flex items-center gap-3">
      <Button variant="danger" disabled={pending} onClick={() => {
        if (!confirm(`Trust the new key ${fingerprint}? Only do this if you know the host was reinstalled.`)) return;
        start(async () => { const r = await acceptNewHostKey(id, fingerprint); setMsg(r.message ?? null); router.refresh(); });
      }}>Accept the new key</Button>
      {msg && <span role="status" className="text-sm">{msg}</span>}
    </div>
  );
}
