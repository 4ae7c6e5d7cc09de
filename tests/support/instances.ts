// What #28's tests share: waiting for a condition, and who holds a lease (GET /api/v1/instances).
import type { WarrenServer } from "./warren-server";

export type Instances = { database: string; instances: { id: string; name: string; alive: boolean; self: boolean; holds: { name: string; label: string; epoch: number }[] }[] };

/** Polls `f` every 250 ms until it gives a truthy value (returned), throwing after `ms`. */
export async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The instance holding `lease` (a cluster's id, or "scheduled-work"), as `via` reports it. */
export const holderOf = async (via: WarrenServer, lease: string) => (await via.api<Instances>("GET", "/instances")).body.instances.find((i) => i.holds.some((h) => h.name === lease));
