"use client";
import { Notice, Select, scrollable } from "@/components/ui";
import { MemberRole, NodeType } from "@/lib/vocabulary";

/** A host's choice in the form: not a member, a RabbitMQ node of a type, or a load balancer. */
export type MemberChoice = "" | NodeType | typeof MemberRole.loadbalancer;
export interface HostChoice { id: string; name: string; address: string; cluster: string | null }

/**
 * Each host's role in a cluster and the seed, as form fields `role:<hostId>`
 * and `seed`. Hosts of other clusters are shown but cannot be chosen.
 */
export function MemberTable({ hosts, roles, setRoles, seed, setSeed }: {
  hosts: HostChoice[];
  roles: Record<string, MemberChoice>;
  setRoles: (f: (r: Record<string, MemberChoice>) => Record<string, MemberChoice>) => void;
  seed: string;
  setSeed: (id: string) => void;
}) {
  const discs = hosts.filter((h) => roles[h.id] === "disc");
  const seedHost = hosts.find((h) => h.id === seed);
  const seedProblem = seedHost && roles[seed] !== "disc" ? `${seedHost.name} is not a disc node: the seed must be a disc node (it keeps the cluster's metadata on disk).` : null;
  const impliedSeed = !seed && discs.length ? discs[0] : null;
  return (
    <>
      <p className="text-sm text-muted">Give each host a role. The <b>seed</b> is the disc node the others join; it keeps its data, the others are reset when they join. A host belongs to one cluster at a time.</p>
      <div className="overflow-x-auto" {...scrollable("Members table")}>
        <table className="w-full text-left text-sm" aria-label="Members">
          <thead className="text-muted"><tr><th className="font-normal">Host</th><th className="font-normal">Role</th><th className="font-normal">Seed</th></tr></thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.id} className="border-t border-line">
                <td className="py-1 pr-4"><span className="font-medium">{h.name}</span> <span className="mono text-muted">{h.address}</span>{h.cluster && <div className="text-xs text-muted">in cluster {h.cluster}</div>}</td>
                <td className="pr-4">
                  <Select name={`role:${h.id}`} aria-label={`Role of ${h.name}`} value={roles[h.id] ?? ""} disabled={!!h.cluster}
                    onChange={(e) => setRoles((r) => ({ ...r, [h.id]: e.target.value as MemberChoice }))}>
                    <option value="">{h.cluster ? `used by ${h.cluster}` : "not in this cluster"}</option>
                    <option value={NodeType.disc}>RabbitMQ disc node</option>
                    <option value={NodeType.ram}>RabbitMQ ram node (legacy)</option>
                    <option value={MemberRole.loadbalancer}>Load balancer (HAProxy + Keepalived)</option>
                  </Select>
                </td>
                <td><input type="radio" name="seed" value={h.id} checked={seed === h.id} disabled={!!h.cluster} onChange={() => setSeed(h.id)} aria-label={`${h.name} is the seed node`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {seedProblem && <Notice tone="amber">{seedProblem}</Notice>}
      {impliedSeed && <p className="text-sm text-muted" data-testid="implied-seed">No seed chosen: {impliedSeed.name}, the first disc node, will be the seed.</p>}
    </>
  );
}

export const seedProblemOf = (hosts: HostChoice[], roles: Record<string, MemberChoice>, seed: string) => !!hosts.find((h) => h.id === seed) && roles[seed] !== "disc";
