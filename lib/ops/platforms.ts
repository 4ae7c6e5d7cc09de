// The platform of each host a plan touches (lib/hosts/platform): the one the
// host's probe recorded, or, for a host never probed, the default one, which
// the plan then says in its warnings. A host on a system Warren has no
// platform for stops the plan, as it fails both pre-flights.
import { DEFAULT_PLATFORM, platformById, supportedPlatforms, type Platform } from "@/lib/hosts/platform";
import { PlanError } from "./operation";

/** A host as the inventory has it: `platform` is what its last probe recorded (null or absent: never probed). */
export interface HostPlatform { name: string; platform?: string | null }

export interface PlanPlatforms {
  /** The platform to plan this host with. */
  of(host: string): Platform;
  /** Hosts never probed, planned with the default platform: for the plan's warnings (empty when none). */
  warnings: string[];
}

/** The platform a host's recorded id names, or null when Warren supports no such system. Never probed: the default. */
export function platformOrDefault(platform: string | null | undefined): Platform | null {
  return platformById(platform ?? DEFAULT_PLATFORM);
}

/**
 * The platform to read a host's facts with: as platformOrDefault, and the
 * default for a system Warren has no platform for (reading is harmless, and
 * the planner refuses that host with the reason).
 */
export function platformForReading(platform: string | null | undefined): Platform {
  return platformOrDefault(platform) ?? platformById(DEFAULT_PLATFORM)!;
}

export function planPlatforms(hosts: HostPlatform[]): PlanPlatforms {
  const byHost = new Map<string, Platform>();
  const unprobed: string[] = [];
  const unsupported: string[] = [];
  for (const h of hosts) {
    if (byHost.has(h.name)) continue;
    const p = platformOrDefault(h.platform);
    if (!p) { unsupported.push(`${h.name} runs ${h.platform}`); continue; }
    if (!h.platform) unprobed.push(h.name);
    byHost.set(h.name, p);
  }
  if (unsupported.length)
    throw new PlanError(`${unsupported.join("; ")}: Warren has no platform for ${unsupported.length === 1 ? "that system" : "those systems"} (it supports ${supportedPlatforms().map((p) => p.label).join(", ")}); replace the host or take it out of the cluster`);
  const fallback = platformById(DEFAULT_PLATFORM)!;
  return {
    of: (host) => {
      const p = byHost.get(host);
      if (!p) throw new Error(`${host} is not among the hosts this plan was given platforms for`);
      return p;
    },
    warnings: unprobed.length
      ? [`${unprobed.join(", ")} ${unprobed.length === 1 ? "has" : "have"} not been probed yet: planned as ${fallback.label}, the default. Test the connection on the host's page, or run the pre-flight, to record the system each host runs.`]
      : [],
  };
}
