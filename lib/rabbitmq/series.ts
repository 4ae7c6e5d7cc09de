// What each RabbitMQ release series offers a new cluster, as data: classic
// queue mirroring, ram nodes, a virtual host's default queue type, Khepri.
// Read off the servers themselves (list_deprecated_features and
// list_feature_flags on 3.10.8 and 4.0.5 lab hosts, tests/fixtures) and
// rabbitmq-server's release notes for the series in between. Pure.
import { rabbitmqRelease } from "./versions";

export type Availability = "supported" | "deprecated" | "removed";

export interface SeriesRules {
  /** The first series these rules hold for (until the next entry). */
  from: string;
  /** Classic queue mirroring (ha-* policies). */
  mirroring: Availability;
  /** Nodes joined with --ram. */
  ramNodes: Availability;
  /** A virtual host's default queue type (vhost metadata, `update_vhost_metadata --default-queue-type`). */
  vhostDefaultQueueType: boolean;
  /** Khepri, the Raft-based metadata store (feature flag khepri_db): absent, opt-in, or the default of new clusters. */
  khepri: "absent" | "opt-in" | "default";
  /** Enabling every stable feature flag after setup is what an upgrade to the next series needs. */
  enableAllFeatureFlags: boolean;
}

export const SERIES_RULES: readonly SeriesRules[] = [
  { from: "3.8", mirroring: "supported", ramNodes: "supported", vhostDefaultQueueType: false, khepri: "absent", enableAllFeatureFlags: false },
  // 3.12: a virtual host's default queue type can be changed (update_vhost_metadata; 3.11 set it only at add_vhost).
  { from: "3.12", mirroring: "supported", ramNodes: "supported", vhostDefaultQueueType: true, khepri: "absent", enableAllFeatureFlags: false },
  // 3.13: mirroring and ram nodes become deprecated features (permitted by default); khepri_db appears, experimental.
  { from: "3.13", mirroring: "deprecated", ramNodes: "deprecated", vhostDefaultQueueType: true, khepri: "opt-in", enableAllFeatureFlags: true },
  // 4.0 (4.0.5 on Debian 13: classic_queue_mirroring "removed", ram_node_type "permitted_by_default", khepri_db needs --opt-in).
  { from: "4.0", mirroring: "removed", ramNodes: "deprecated", vhostDefaultQueueType: true, khepri: "opt-in", enableAllFeatureFlags: true },
  // 4.2: Khepri is the metadata store of new clusters, and Khepri has no ram nodes.
  { from: "4.2", mirroring: "removed", ramNodes: "removed", vhostDefaultQueueType: true, khepri: "default", enableAllFeatureFlags: true },
];

const series = (v: string) => rabbitmqRelease(v).split(".").slice(0, 2).map(Number);
const before = (a: number[], b: number[]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** The rules for a version ("4.0.5-6+deb13u2", "3.10.8", "4.0"); null for what is not a version. */
export function rulesFor(version: string | null | undefined): SeriesRules | null {
  if (!version) return null;
  const s = series(version);
  if (s.length < 2 || s.some((x) => !Number.isFinite(x))) return null;
  let found: SeriesRules | null = null;
  for (const r of SERIES_RULES) if (!before(s, series(r.from))) found = r;
  return found;
}

/** "4.0" for "4.0.5-6+deb13u2". */
export const seriesOf = (version: string) => series(version).join(".");

export interface SetupChoices { ha: "all" | "exactly" | "quorum"; ramNodes: string[]; khepri: boolean }

/**
 * What setting a cluster up with these choices on this version means: refusals
 * (the plan cannot be made) and warnings (it can, but the operator should know).
 */
export function judgeSetup(version: string, c: SetupChoices): { refusals: string[]; warnings: string[] } {
  const r = rulesFor(version);
  const refusals: string[] = [], warnings: string[] = [];
  if (!r) return { refusals, warnings };
  const v = seriesOf(version);
  if (c.ha !== "quorum" && r.mirroring === "removed")
    refusals.push(`Classic queue mirroring (ha-mode ${c.ha}) was removed in RabbitMQ 4.0, and ${v} refuses ha-* policies: choose quorum queues, which replicate every queue over a majority of the nodes and are the cluster's default queue type then`);
  else if (c.ha !== "quorum" && r.mirroring === "deprecated")
    warnings.push(`Classic queue mirroring is deprecated in RabbitMQ ${v} and removed in 4.0: quorum queues are the way forward`);
  const ram = c.ramNodes.length ? `${c.ramNodes.join(", ")} ${c.ramNodes.length === 1 ? "is a ram node" : "are ram nodes"}` : "";
  if (ram && (r.ramNodes === "removed" || (c.khepri && r.khepri !== "absent")))
    refusals.push(`${ram}: ${r.ramNodes === "removed" ? `RabbitMQ ${v} has no ram nodes` : "Khepri has no ram nodes"}; make ${c.ramNodes.length === 1 ? "it a disc node" : "them disc nodes"} (the cluster's members) first`);
  else if (ram && r.ramNodes === "deprecated")
    warnings.push(`${ram}: ram nodes are deprecated in RabbitMQ ${v} (ram_node_type) and Khepri, the metadata store of later versions, refuses them; disc nodes are recommended`);
  if (c.khepri && r.khepri === "absent") refusals.push(`RabbitMQ ${v} has no Khepri metadata store (it came with 3.13)`);
  return { refusals, warnings };
}

/** What choosing Khepri means, for the wizard. */
export const KHEPRI_CONSEQUENCES = "Khepri replaces Mnesia as the store of the cluster's metadata (users, vhosts, queues, bindings) with a Raft log: a majority of the nodes must run for any metadata change, there are no ram nodes, and it cannot be turned off again. On 4.0 and 4.1 it is an opt-in feature flag; from 4.2 it is the default for new clusters.";
