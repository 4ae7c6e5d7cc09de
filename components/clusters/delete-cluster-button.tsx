"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { removeCluster } from "@/lib/actions/clusters";
import { Button } from "@/components/ui";

export function DeleteClusterButton({ id, name }: { id: string; name: string }) {
  const [pending, start] = useTransition();
  const [msg, setMsg] = useState<string | null>(null);
  const router = useRouter();
  return (
    <span className="inline-flex items-center gap-2">
      {msg && <span role="alert" className="text-xs text-red-700">{msg}</span>}
      <Button variant="secondary" disabled={pending} onClick={() => {
        if (!confirm(`Remove cluster ${name} from Warren's inventory? Its hosts keep running untouched.`)) return;
        start(async () => { const r = await removeCluster(id); if (!r.ok) setMsg(r.message); else router.push("/clusters"); });
      }}>Delete</Button>
    </span>
  );
}
