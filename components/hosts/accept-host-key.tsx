"use client";
import { acceptNewHostKey } from "@/lib/actions/hosts";
import { ConfirmButton } from "@/components/ui/confirm-button";

export function AcceptHostKey({ id, fingerprint, first }: { id: string; fingerprint: string; first?: boolean }) {
  return (
    <div className="mt-3">
      <ConfirmButton variant={first ? "primary" : "danger"}
        question={first ? `Trust ${fingerprint} as this host's key? Only if it matches the key on the host itself.` : `Trust the new key ${fingerprint}? Only do this if you know the host was reinstalled.`}
        action={() => acceptNewHostKey(id, fingerprint)}>
        {first ? "The keys match: trust it" : "Accept the new key"}
      </ConfirmButton>
    </div>
  );
}
