// How reachable a host is, from what Warren knows without asking it again:
// the health collector's watch when the host is in a watched cluster (live),
// else the host's last connection test. Pure, so the pages that list hosts
// (the hosts list, an operation's choice of host) say the same thing.

export type Reach = "reachable" | "unreachable" | "untested";

export interface HostReach {
  reach: Reach;
  /** A few words, e.g. "reachable (watched)", "connection test failed". */
  label: string;
}

export function hostReach(live: { reachable: boolean } | undefined, lastCheck: { ok: boolean | null; at: Date | string | null }): HostReach {
  if (live) return live.reachable ? { reach: "reachable", label: "reachable (watched)" } : { reach: "unreachable", label: "unreachable now" };
  if (lastCheck.at && lastCheck.ok !== null) return lastCheck.ok ? { reach: "reachable", label: "connection test passed" } : { reach: "unreachable", label: "connection test failed" };
  return { reach: "untested", label: "not tested yet" };
}
