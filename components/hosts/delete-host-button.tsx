"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { removeHost } from "@/lib/actions/hosts";
import { Button } from "@/components/ui";

export function DeleteHostButton({ id, name }: { id: string; name: string }) {
  const [pending, start] = useTransition();
  const [msg, setMsg] = useState<string | null>(null);
  const router = useRouter();
  return (
    <span className="inline-flex items-center gap-2">
      {msg && <span role="alert" className="text-xs text-red-700">{msg}</span>}
      <Button
        variant="secondary"
        disabled={pending}
        aria-label={`Delete ${name}`}
        onClick={() => {
          if (!confirm(`Delete host ${name} from the inventory? The machine itself is not touched.`)) return;
          start(async () => {
            const r = await removeHost(id);
            if (!r.ok) setMsg(r.message);
            else router.refresh();
          });
        }}
      >
        Delete
      </Button>
    </span>
  );
}
