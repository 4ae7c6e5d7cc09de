"use client";
import { removeCluster } from "@/lib/actions/clusters";
import { ConfirmButton } from "@/components/ui/confirm-button";

export function DeleteClusterButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmButton question={`Remove cluster ${name} from Warren's inventory? Its hosts keep running untouched.`} action={() => removeCluster(id)} then="/clusters">
      Delete
    </ConfirmButton>
  );
}
