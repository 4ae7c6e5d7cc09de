// Whether a blue-green migration can start, judged against both clusters'
// real state: blue (the cluster clients use now, through its load balancers
// and VIP) and green (a cluster the wizard built on other hosts). Blockers
// stop the plan; findings say what blue has that green will not have as it
// is, and what the migration does instead — the translation is the restore's
// (lib/backups/translate.ts), so the definitions green gets are exactly the
// ones a restore of blue's backup would import. Pure.
import { diffDefinitions, queueType, refOf, versionOf, type Definitions, type RawObject } from "@/lib/backups/definitions";
import { prepareForImport, type Finding } from "@/lib/backups/translate";
import type { ClusterInventory } from "@/lib/inventory/cluster-inventory";
import type { NodeStats, QueueCount } from "@/lib/rabbitmq/management";

export type BlockerId =
  | "blue-not-set-up" | "blue-without-load-balancers" | "green-not-set-up" | "same-cluster" | "shared-hosts"
  | "green-older" | "green-unhealthy" | "green-conflicts";

export interface Blocker { id: BlockerId; message: string; items: string[] }

export type NoteId = "ram-nodes" | "streams-not-moved" | "green-queues-not-empty" | "green-has-more" | "green-load-balancers-released";
/** Something the operator should know that does not stop the migration. */
export interface Note { id: NoteId; title: string; instead: string; items: string[] }

export interface MovingQueue { vhost: string; name: string; blueType: string; greenType: string }

export interface Readiness {
  blockers: Blocker[];
  /** The restore's translation findings (mirrored → quorum, ha-* keys dropped…), then the migration's own notes. */
  findings: Finding[];
  notes: Note[];
  /** The queues whose messages move from blue to green, in definitions order. */
  moving: MovingQueue[];
  /** Blue's definitions as green imports them. */
  doc: Definitions;
}

/** Both clusters as a migration's gather reads them (lib/migration/service.ts): what its planners plan from. */
export interface MigrationFacts {
  blue: ClusterInventory;
  green: ClusterInventory;
  blueDefs: Definitions;
  greenDefs: Definitions;
  readiness: Readiness;
  /** The node each side's live definitions were read from. */
  readFrom: { blue: string; green: string };
}

export interface ReadinessInput {
  blue: ClusterInventory;
  green: ClusterInventory;
  blueDefs: Definitions;
  greenDefs: Definitions;
  /** Green's nodes as its management API reports them (GET /api/nodes); null when no node answered. */
  greenNodes: NodeStats[] | null;
  /** Green's queues with their counts (GET /api/queues); null when unknown. */
  greenQueues: QueueCount[] | null;
}

const hostsOf = (c: ClusterInventory) => [...c.nodes.map((n) => n.name), ...c.loadBalancers.map((l) => l.name)];
const addressesOf = (c: ClusterInventory) => [...c.nodes.map((n) => n.address), ...c.loadBalancers.map((l) => l.address)];

/** What keeps green from taking blue's clients: a node not running, a partition, a resource alarm, a node it does not report. */
export function greenHealthProblems(green: ClusterInventory, stats: NodeStats[] | null): string[] {
  if (!stats) return ["no node of green answered its management API"];
  const out: string[] = [];
  for (const n of green.nodes) {
    const s = stats.find((x) => x.name.endsWith(`@${n.name}`));
    if (!s) { out.push(`${n.name}: not in the cluster's node list`); continue; }
    if (!s.running) out.push(`${n.name}: not running`);
    if (s.partitions.length) out.push(`${n.name}: partitioned from ${s.partitions.join(", ")}`);
    if (s.memAlarm) out.push(`${n.name}: memory alarm (publishers blocked)`);
    if (s.diskAlarm) out.push(`${n.name}: disk alarm (publishers blocked)`);
  }
  return out;
}

export function assessMigration(i: ReadinessInput): Readiness {
  const { blue, green } = i;
  const blockers: Blocker[] = [];
  const block = (id: BlockerId, message: string, items: string[] = []) => blockers.push({ id, message, items });

  if (!blue.spec) block("blue-not-set-up", `${blue.name} has not been set up by Warren: its load balancers and VIP are not Warren's to switch`);
  if (!blue.loadBalancers.length || !blue.spec?.loadBalancers)
    block("blue-without-load-balancers", `${blue.name} has no load balancers: its clients do not connect through a VIP Warren can move, so they would have to be reconfigured`);
  if (!green.spec) block("green-not-set-up", `${green.name} has not been set up by Warren: build it with the setup wizard first`);
  if (blue.id === green.id) block("same-cluster", "the target is the cluster itself: choose a cluster built on other hosts");
  else {
    const shared = [...new Set([...hostsOf(blue).filter((h) => hostsOf(green).includes(h)), ...addressesOf(blue).filter((a) => addressesOf(green).includes(a))])];
    if (shared.length) block("shared-hosts", `${green.name} shares hosts with ${blue.name}: stopping blue at the end would stop green too`, shared);
  }

  const greenVersion = versionOf(i.greenDefs);
  const { doc, findings } = prepareForImport(i.blueDefs, {
    target: greenVersion,
    adminUser: green.spec?.rabbitmq.management ? green.spec.rabbitmq.adminUser : null,
    clusterName: green.spec?.rabbitmq.clusterName ?? null,
  });
  // The version check is the restore's: an older target is a finding there, a blocker here (clients cannot go back a version unnoticed).
  const older = findings.find((f) => f.id === "newer-source");
  if (older) block("green-older", `${green.name} runs an older RabbitMQ than ${blue.name}: a migration goes to the same or a newer version`, older.items.map((x) => x.label));

  const health = greenHealthProblems(green, i.greenNodes);
  if (health.length) block("green-unhealthy", `${green.name} is not healthy: it cannot take the clients`, health);

  // Objects both have with different content: the import would overwrite green's; a green made for this migration has none.
  const diff = diffDefinitions(i.greenDefs, doc);
  if (diff.changed.length)
    block("green-conflicts", `${green.name} already has definitions that differ from ${blue.name}'s: remove or align them first`,
      diff.changed.map((c) => `${c.kind.replace(/_/g, " ")} ${c.label}: ${c.fields.map((f) => f.field).join(", ")} differ${c.fields.length === 1 ? "s" : ""}`));

  const notes: Note[] = [];
  const note = (n: Note) => { if (n.items.length) notes.push(n); };
  // At the end blue's load balancers and VIP become green's, and a cluster has one pair and one VIP.
  note({ id: "green-load-balancers-released", title: `${green.name}'s own load balancers${green.spec?.loadBalancers ? ` (VIP ${green.spec.loadBalancers.vip})` : ""}`, instead: `they leave ${green.name}'s inventory when the migration ends (${blue.name}'s load balancers and VIP serve it from then on); Warren does not touch them: they keep running as they are — stop them once no client uses their VIP`, items: green.loadBalancers.map((l) => l.name) });
  note({ id: "ram-nodes", title: `${blue.name}'s ram nodes`, instead: `${green.name}'s nodes are what its setup made them; ram nodes do not exist in RabbitMQ 4.x`, items: blue.nodes.filter((n) => n.type === "ram").map((n) => n.name) });

  const moving: MovingQueue[] = [];
  const streams: string[] = [];
  const byKey = (qs: RawObject[]) => new Map(qs.map((q) => [refOf("queues", q).key, q]));
  const blueQueues = byKey(i.blueDefs.queues), greenQueues = byKey(i.greenDefs.queues);
  for (const q of doc.queues) {
    const { key, parts, label } = refOf("queues", q);
    const blueType = queueType(blueQueues.get(key) ?? q);
    if (blueType === "stream") { streams.push(label); continue; }
    moving.push({ vhost: parts[0], name: parts[1], blueType, greenType: queueType(greenQueues.get(key) ?? q) });
  }
  note({ id: "streams-not-moved", title: "Streams", instead: "their definitions are imported; their messages are not moved (a stream is a log consumers read from an offset, not a queue to drain)", items: streams });

  if (i.greenQueues) {
    const moved = new Set(moving.map((m) => JSON.stringify([m.vhost, m.name])));
    note({ id: "green-queues-not-empty", title: `Queues on ${green.name} that already hold messages`, instead: "kept: the messages moved from blue join them", items: i.greenQueues.filter((q) => moved.has(JSON.stringify([q.vhost, q.name])) && ((q.ready ?? 0) + (q.unacked ?? 0)) > 0).map((q) => `${q.name} on ${q.vhost}`) });
  }
  note({ id: "green-has-more", title: `What ${green.name} has and ${blue.name} has not`, instead: "left as it is", items: diff.removed.filter((r) => r.kind !== "users" && r.kind !== "vhosts" && r.kind !== "permissions" && r.kind !== "global_parameters").map((r) => `${r.kind.replace(/_/g, " ")} ${r.label}`) });

  return { blockers, findings, notes, moving, doc };
}
