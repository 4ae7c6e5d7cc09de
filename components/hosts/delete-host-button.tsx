"use client";
import { removeHost } from "@/lib/actions/hosts";
import { ConfirmButton } from "@/components/ui/confirm-button";

export function DeleteHostButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmButton label={`Delete ${name}`} question={`Delete host ${name} from the inventory? The machine itself is not touched.`} action={() => removeHost(id)}>
      Delete
    </ConfirmButton>
  );
}
