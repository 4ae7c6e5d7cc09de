// The live view's history: one compact sample per cluster every 10 s, kept
// at that resolution for an hour, and every minute for the history window
// (24 h by default) — bounded storage whatever the uptime.
import type { ClusterHealth, Sample } from "./schema";

export type { Sample } from "./schema";

export const RESOLUTIONS = [{ res: 10, keepMs: 3600_000 }, { res: 60, keepMs: null }] as const;

export function sampleOf(h: ClusterHealth): Sample {
  const backends: Sample["backends"] = {};
  for (const l of h.loadBalancers) if (l.reachable) for (const b of l.backends) backends[`${l.host}/${b.server}`] = { s: b.sessions, b: b.bytesIn + b.bytesOut };
  return {
    up: h.nodes.filter((n) => n.running).length, nodes: h.nodes.length,
    mem: Object.fromEntries(h.nodes.filter((n) => n.memUsed !== null).map((n) => [n.host, n.memUsed!])),
    messages: h.totals.messages, connections: h.totals.connections, backends, alarms: h.alarms.length,
  };
}

/** The start of the sample bucket a moment falls in. */
export const bucket = (t: number, res: number) => Math.floor(t / (res * 1000)) * res * 1000;
