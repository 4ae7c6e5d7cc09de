"use client";
import { useState, useTransition, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { Button } from "./index";
import { setFlash } from "./flash";

/**
 * A button for a server action that changes something: asks first, runs the
 * action, shows its refusal next to the button, refreshes on success — or
 * navigates to `then`, where the action's own message confirms what it did.
 */
export function ConfirmButton({ question, action, children, label, variant = "secondary", then }: {
  question: string;
  action: () => Promise<{ ok: boolean; message?: string }>;
  children: ReactNode;
  label?: string;
  variant?: "primary" | "secondary" | "danger";
  then?: string;
}) {
  const [pending, start] = useTransition();
  const [msg, setMsg] = useState<string | null>(null);
  const router = useRouter();
  return (
    <span className="inline-flex items-center gap-2">
      {msg && <span role="alert" className="text-xs text-red-700">{msg}</span>}
      <Button variant={variant} disabled={pending} aria-label={label} onClick={() => {
        if (!confirm(question)) return;
        start(async () => {
          const r = await action();
          if (!r.ok) setMsg(r.message ?? "Refused");
          else if (then) { if (r.message) setFlash(r.message, then); router.push(then); }
          else router.refresh();
        });
      }}>{children}</Button>
    </span>
  );
}
