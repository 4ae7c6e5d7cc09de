"use client";
import { useState } from "react";
import { useSearchParams } from "next/navigation";
import { Select } from "@/components/ui";
import { OperationForm, type CatalogEntry, type HostChoice } from "./operation-form";

/** The registry's operations for this cluster: pick one, fill its form, review its plan, start it. */
export function ClusterActions({ clusterId, operations, nodes, freeHosts }: { clusterId: string; operations: CatalogEntry[]; nodes: HostChoice[]; freeHosts?: HostChoice[] }) {
  // ?action=<type> preselects one (links such as the secrets list's "Rotate…").
  const asked = useSearchParams().get("action");
  const [type, setType] = useState(operations.find((o) => o.type === asked)?.type ?? operations[0]?.type ?? "");
  // Such a link on this same page changes only the query: pick again (the state above outlives the navigation).
  const [lastAsked, setLastAsked] = useState(asked);
  if (asked !== lastAsked) {
    setLastAsked(asked);
    const t = operations.find((o) => o.type === asked)?.type;
    if (t) setType(t);
  }
  const op = operations.find((o) => o.type === type);
  return (
    <div className="flex min-w-0 flex-col gap-3">
      <label className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">Action</span>
        <Select aria-label="Action" className="w-auto" value={type} onChange={(e) => setType(e.target.value)}>
          {operations.map((o) => <option key={o.type} value={o.type}>{o.title}</option>)}
        </Select>
      </label>
      {op && <OperationForm key={op.type} clusterId={clusterId} op={op} nodes={nodes} freeHosts={freeHosts} />}
    </div>
  );
}
