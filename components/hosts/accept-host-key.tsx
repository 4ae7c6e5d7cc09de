"use client";
import { acceptNewHostKey } from "@/lib/actions/hosts";
import { ConfirmButton } from "@/components/ui/confirm-button";

export function AcceptHostKey({ id, fingerprint }: { id: string; fingerprint: string }) {
  return (
    <div className="mt-3">
      <ConfirmButton variant="danger" question={`Trust the new key ${fingerprint}? Only do this if you know the host was reinstalled.`} action={() => acceptNewHostKey(id, fingerprint)}>
        Accept the new key
      </ConfirmButton>
    </div>
  );
}
