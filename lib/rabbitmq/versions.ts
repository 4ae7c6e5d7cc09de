// Which RabbitMQ and Erlang versions go together, and which upgrades are
// allowed, as data transcribed from rabbitmq-website (which-erlang.md,
// upgrade.md, rolling-upgrade.md, feature-flags/index.md at 0acf2a4). Pure.
// Where the pages disagree the stricter reading is used (3.10 -> 3.11: all
// feature flags first; no skipping of release series).
import { upstreamVersion } from "@/lib/hosts/platform";

/** Erlang/OTP versions a range of RabbitMQ releases supports (inclusive; a max "26" means any 26.x). */
export interface ErlangRule { from: string; to: string; min: string; max: string }

export const ERLANG_RULES: readonly ErlangRule[] = [
  // rabbitmq-website which-erlang.md (3.8-3.13 identical in docs/ and versioned 3.13/4.0/4.1; 4.x from version-4.1).
  { from: "3.8.0", to: "3.8.3", min: "21.3", max: "22.x" },
  { from: "3.8.4", to: "3.8.8", min: "21.3", max: "23.x" },
  { from: "3.8.9", to: "3.8.15", min: "22.3", max: "23.x" },
  { from: "3.8.16", to: "3.8.28", min: "23.2", max: "24.2" },
  { from: "3.8.29", to: "3.8.35", min: "23.2", max: "24.3" },
  { from: "3.9.0", to: "3.9.14", min: "23.2", max: "24.2" },
  { from: "3.9.15", to: "3.9.21", min: "23.3", max: "24.3" },
  { from: "3.9.22", to: "3.9.27", min: "24.2", max: "24.3" },
  { from: "3.9.28", to: "3.9.29", min: "24.3.4.2", max: "25.2" },
  { from: "3.10.0", to: "3.10.4", min: "23.2", max: "24.3" },
  { from: "3.10.5", to: "3.10.7", min: "23.2", max: "25.2" },
  { from: "3.10.8", to: "3.10.13", min: "24.2", max: "25.2" },
  { from: "3.10.14", to: "3.10.18", min: "24.3", max: "25.2" },
  { from: "3.10.19", to: "3.10.25", min: "24.3.4.8", max: "25.3.x" },
  { from: "3.11.0", to: "3.11.28", min: "25.0", max: "25.3.x" },
  { from: "3.12.0", to: "3.12.4", min: "25.0", max: "26.0.x" },
  { from: "3.12.5", to: "3.12.9", min: "25.0", max: "26.1.x" },
  { from: "3.12.10", to: "3.12.13", min: "25.0", max: "26.2.x" },
  { from: "3.13.0", to: "3.13.7", min: "26.0", max: "26.2.x" },
  // 4.0.0 is listed nowhere; 4.0.1-4.0.3 support 26.2 only.
  { from: "4.0.0", to: "4.0.3", min: "26.2", max: "26.2.x" },
  { from: "4.0.4", to: "4.0.9", min: "26.2", max: "27.x" },
  { from: "4.1.0", to: "4.1.8", min: "26.2", max: "27.x" },
];

/** Direct upgrades allowed between release series, with the patch the source must be on at least. */
export interface Hop { from: string; to: string; minFrom?: string }

export const HOPS: readonly Hop[] = [
  // upgrade.md, "Release Series Upgradeability" (rolling upgrades; no skipping except patch releases).
  { from: "3.8", to: "3.9" },
  { from: "3.9", to: "3.10" },
  { from: "3.10", to: "3.11" },
  { from: "3.11", to: "3.12", minFrom: "3.11.18" },
  { from: "3.12", to: "3.13" },
  { from: "3.13", to: "4.0" },
  { from: "4.0", to: "4.1" },
];

/** Before moving into a series: which feature flags must be enabled ("all" stable ones). */
export const FLAGS_BEFORE: Readonly<Record<string, "all" | string[]>> = {
  // 3.10 -> 3.11: the version-4.0 page says all (3.11.0 makes the 3.8-era flags required); 3.11.18 -> 3.12: all; 3.12 -> 3.13: none (no flag is required in 3.13.0);
  // 3.13 -> 4.x: all stable ones (experimental khepri_db must stay off: parseFeatureFlags leaves experimental flags out).
  "3.11": "all",
  "3.12": "all",
  "4.0": "all",
  "4.1": "all",
};

const nums = (v: string) => v.split(/[.+~-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : NaN)).filter((n) => !Number.isNaN(n));

/**
 * `a` against a bound `b`, on b's parts only: "25.2" covers every 25.2.x,
 * and "x" anything from there on ("27.x").
 */
function cmp(a: string, b: string): number {
  const x = nums(a), y = b.split(".");
  for (let i = 0; i < y.length; i++) {
    if (y[i] === "x") return 0;
    const d = (x[i] ?? 0) - Number(y[i]);
    if (d !== 0) return d;
  }
  return 0;
}

/** "3.10.8-1.1" or "3.10.8" → "3.10.8"; Debian's erlang-base "1:25.2.3+dfsg-1+deb12u2" → "25.2.3". */
export const rabbitmqRelease = (v: string) => upstreamVersion(v).replace(/[+~].*$/, "");
export const erlangRelease = (v: string) => upstreamVersion(v).replace(/[+~].*$/, "");
export const seriesOf = (release: string) => release.split(".").slice(0, 2).join(".");

export function erlangRule(rabbitmq: string): ErlangRule | null {
  const r = rabbitmqRelease(rabbitmq);
  return ERLANG_RULES.find((x) => cmp(r, x.from) >= 0 && cmp(r, x.to) <= 0) ?? null;
}

/** true / false, or null when the release is not in the table. */
export function erlangSupported(rabbitmq: string, erlang: string): boolean | null {
  const rule = erlangRule(rabbitmq);
  if (!rule) return null;
  const e = erlangRelease(erlang);
  return cmp(e, rule.min) >= 0 && cmp(e, rule.max) <= 0;
}

export type PathVerdict =
  | { ok: true; hop: Hop | null }
  | { ok: false; reason: string; hops: string[] };

/** Whether `from` may be upgraded to `to` directly (patch releases within a series always; one series at a time). */
export function upgradePath(fromVersion: string, toVersion: string): PathVerdict {
  const from = rabbitmqRelease(fromVersion), to = rabbitmqRelease(toVersion);
  const d = cmp(to, from);
  if (d < 0) return { ok: false, reason: `${to} is older than ${from}: RabbitMQ does not support downgrades`, hops: [] };
  const fs = seriesOf(from), ts = seriesOf(to);
  if (fs === ts) return { ok: true, hop: null };
  const hop = HOPS.find((h) => h.from === fs && h.to === ts);
  if (hop) {
    if (hop.minFrom && cmp(from, hop.minFrom) < 0)
      return { ok: false, reason: `${ts} can only be reached from ${hop.minFrom} or later; upgrade to the latest ${fs} patch release first`, hops: [hop.minFrom, to] };
    return { ok: true, hop };
  }
  // The chain of series from here to there.
  const hops: string[] = [];
  const minimums: string[] = [];
  let cur = fs;
  for (let i = 0; i < HOPS.length && cur !== ts; i++) {
    const next = HOPS.find((h) => h.from === cur);
    if (!next) break;
    if (next.minFrom && (cur !== fs || cmp(from, next.minFrom) < 0)) minimums.push(`${next.to} needs ${next.minFrom} or later`);
    hops.push(next.to);
    cur = next.to;
  }
  if (cur !== ts) return { ok: false, reason: `no known upgrade path from ${fs} to ${ts}`, hops: [] };
  const needs = minimums.length ? ` (${minimums.join("; ")})` : "";
  return { ok: false, reason: `RabbitMQ upgrades one release series at a time: ${from} → ${ts} goes through ${hops.slice(0, -1).join(", ")} first${needs}`, hops };
}

/** Feature flags that must be enabled before entering `toSeries`, given the flags' states; empty when none is missing. */
export function missingFlags(toSeries: string, flags: Record<string, string> | null): string[] | null {
  const need = FLAGS_BEFORE[toSeries];
  if (!need) return [];
  if (!flags) return null;
  const names = need === "all" ? Object.keys(flags) : need;
  return names.filter((n) => flags[n] !== "enabled");
}
