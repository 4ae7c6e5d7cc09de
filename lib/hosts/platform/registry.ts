// Which family handles which system. A new family is its module, its version
// comparison, and one entry in BUILT_IN.
import type { OsRelease, Platform, PlatformFamily } from "./types";
import { debian } from "./debian";

const BUILT_IN = [debian] as const;

/** The platforms Warren ships with. A stored Host.platform may name another: a system it does not support. */
export type PlatformId = (typeof BUILT_IN)[number]["ids"][number];

/** Where a host's platform is not known yet (never probed), planners plan for this one and say so. */
export const DEFAULT_PLATFORM: PlatformId = "debian-12";

const families = new Map<string, PlatformFamily>();

/** Makes a family's platforms known; a later family with the same name replaces the earlier. */
export function registerFamily(f: PlatformFamily): void {
  families.set(f.family, f);
}

for (const f of BUILT_IN) registerFamily(f);

/** The platform with this id, or null when no family supports it. */
export function platformById(id: string): Platform | null {
  for (const f of families.values()) if (f.ids.includes(id)) return f.platform(id);
  return null;
}

/**
 * The platform id of a system as its /etc/os-release describes it:
 * a family's id when one recognises it (supported release or not), else
 * "ID-VERSION_ID" ("rocky-9.3"), or "unknown" without an os-release.
 * platformById() says whether Warren supports it.
 */
export function detectPlatform(os: OsRelease): string {
  for (const f of families.values()) {
    const id = f.detect(os);
    if (id) return id;
  }
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9._]+/g, "_").slice(0, 40);
  return os.id ? `${clean(os.id)}${os.versionId ? `-${clean(os.versionId)}` : ""}` : "unknown";
}

/** Every platform Warren supports, for messages ("Debian 12, Debian 13"). */
export function supportedPlatforms(): Platform[] {
  return [...families.values()].flatMap((f) => f.ids.map((id) => f.platform(id)));
}
