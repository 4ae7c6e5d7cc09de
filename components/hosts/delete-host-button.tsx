"use client";
import { removeHost } from "@/lib/actions/hosts";
import { ConfirmButton } from "@/components/ui/confirm-button";

/** From the host's own page too: a deleted host's page no longer exists, so it lands on the hosts list, which says what was deleted. */
export function DeleteHostButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmButton label={`Delete ${name}`} question={`Delete host ${name} from the inventory? The machine itself is not touched.`} action={() => removeHost(id)} then="/hosts">
      Delete
    </ConfirmButton>
  );
}
