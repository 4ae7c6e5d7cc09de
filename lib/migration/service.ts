import "server-only";
// A blue-green migration's readiness, for the API and pages: both clusters'
// live definitions (read as a backup reads them: the management API through
// Warren's SSH connection, else rabbitmqctl), green's nodes and queues from
// its management API, judged by readiness.ts. Read-only; nothing is stored.
// What it returns holds names and counts, never a definitions document, a
// hash or a credential.
import type { ClusterIo } from "@/lib/backups/access";
import { clusterIo } from "@/lib/backups/cluster-io";
import { parseDefinitions, versionOf } from "@/lib/backups/definitions";
import { readLive } from "@/lib/backups/service";
import { readOrder } from "@/lib/backups/steps";
import { clusterInventory } from "@/lib/inventory/clusters";
import type { ClusterInventory } from "@/lib/inventory/cluster-inventory";
import { clientConnections, parseConnections, parseNodes, parseQueueCounts, type ConnectionCount, type NodeStats, type QueueCount } from "@/lib/rabbitmq/management";
import { db } from "@/lib/db";
import { allSteps, type Plan } from "@/lib/ops/plan";
import { MIGRATION_USER } from "./commands";
import { MIGRATION_RUNS, queueProgress, type QueueProgress } from "./progress";
import { assessMigration, type Blocker, type MovingQueue, type Note } from "./readiness";
import type { Finding } from "@/lib/backups/translate";
import type { MigrationFacts } from "@/lib/migration/readiness";

export class MigrationError extends Error {
  constructor(readonly code: "not-found" | "invalid" | "failed", message: string) {
    super(message);
  }
}

/** Items shown per finding, note and list; the rest is counted. */
const SHOWN = 100;
const cap = <T>(items: T[]) => ({ items: items.slice(0, SHOWN), more: Math.max(0, items.length - SHOWN) });

export interface ReadinessReport {
  blue: { id: string; name: string; rabbitmqVersion: string | null; readFrom: string };
  green: { id: string; name: string; rabbitmqVersion: string | null; readFrom: string };
  ready: boolean;
  blockers: (Omit<Blocker, "items"> & { items: string[]; more: number })[];
  findings: (Omit<Finding, "items"> & { items: Finding["items"]; more: number })[];
  notes: (Omit<Note, "items"> & { items: string[]; more: number })[];
  moving: { total: number; byType: Record<string, number>; items: MovingQueue[]; more: number };
}

/** The first of the cluster's nodes whose management API gives `path`, parsed; null when none does (or there is no management plugin). */
async function fromApi<T>(inv: ClusterInventory, io: ClusterIo, path: string, parse: (text: string) => T): Promise<T | null> {
  if (!io.api) return null;
  for (const host of readOrder(inv)) {
    try {
      const r = await io.api(host, { method: "GET", path, timeoutMs: 20_000 });
      if (r.status === 200) return parse(r.body);
    } catch {
      // The next node may answer; none answering is a blocker the report names.
    }
  }
  return null;
}

async function live(inv: ClusterInventory) {
  try {
    return await readLive(inv);
  } catch (e) {
    throw new MigrationError("failed", `the live definitions of ${inv.name} cannot be read, so its readiness cannot be judged: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Both clusters read and judged: what the readiness report shows and the migration's planner plans from. */
export async function migrationFacts(blueId: string, greenId: string): Promise<MigrationFacts> {
  const [blue, green] = await Promise.all([clusterInventory(blueId), clusterInventory(greenId)]);
  if (!blue) throw new MigrationError("not-found", "no such cluster");
  if (!green) throw new MigrationError("not-found", `no cluster ${greenId} to migrate to`);
  if (!green.nodes.length) throw new MigrationError("invalid", `${green.name} has no RabbitMQ nodes`);
  const io = await clusterIo(green);
  const [b, g, greenNodes, greenQueues] = await Promise.all([
    live(blue), live(green),
    fromApi<NodeStats[]>(green, io, "/api/nodes", parseNodes),
    fromApi<QueueCount[]>(green, io, "/api/queues?columns=name,vhost,type,messages_ready,messages_unacknowledged,consumers", parseQueueCounts),
  ]);
  const blueDefs = parseDefinitions(b.text), greenDefs = parseDefinitions(g.text);
  const readiness = assessMigration({ blue, green, blueDefs, greenDefs, greenNodes, greenQueues });
  return { blue, green, blueDefs, greenDefs, readiness, readFrom: { blue: `${b.node} (${b.via})`, green: `${g.node} (${g.via})` } };
}

export async function migrationReadiness(blueId: string, greenId: string): Promise<ReadinessReport> {
  const { blue, green, blueDefs, greenDefs, readiness: r, readFrom } = await migrationFacts(blueId, greenId);
  const byType: Record<string, number> = {};
  for (const m of r.moving) { const t = `${m.blueType} → ${m.greenType}`; byType[t] = (byType[t] ?? 0) + 1; }
  return {
    blue: { id: blue.id, name: blue.name, rabbitmqVersion: versionOf(blueDefs), readFrom: readFrom.blue },
    green: { id: green.id, name: green.name, rabbitmqVersion: versionOf(greenDefs), readFrom: readFrom.green },
    ready: r.blockers.length === 0,
    blockers: r.blockers.map((x) => ({ ...x, ...cap(x.items) })),
    findings: r.findings.map((f) => ({ ...f, ...cap(f.items) })),
    notes: r.notes.map((n) => ({ ...n, ...cap(n.items) })),
    moving: { total: r.moving.length, byType, ...cap(r.moving) },
  };
}

export interface MigrationProgress {
  /** The side the clients leave, and the one they move to (a roll back: green to blue). */
  from: { id: string; name: string; clients: number | null };
  to: { id: string; name: string; clients: number | null };
  queues: QueueProgress[];
  /** Queues with messages left on the side being left, and their total (null: that side gives no figure). */
  left: { queues: number; messages: number } | null;
  readAt: string;
}

/** A migration run's queues, both sides' counts and client connections now, from their management APIs. */
export async function migrationProgress(runId: string): Promise<MigrationProgress | null> {
  const run = await db().run.findUnique({ where: { id: runId }, select: { type: true, clusterId: true, params: true, plan: true } });
  if (!run || !MIGRATION_RUNS.includes(run.type)) return null;
  const target = (JSON.parse(run.params) as { target?: string }).target;
  const shovels = allSteps(JSON.parse(run.plan) as Plan).find((s) => s.kind === "command" && s.stdin && "shovels" in s.stdin);
  const queues = shovels?.kind === "command" && shovels.stdin && "shovels" in shovels.stdin ? shovels.stdin.shovels.queues : [];
  if (!target) return null;
  const [own, other] = await Promise.all([clusterInventory(run.clusterId), clusterInventory(target)]);
  if (!own || !other) return null;
  const [from, to] = run.type === "migrate" ? [own, other] : [other, own];
  const read = async (c: ClusterInventory) => {
    const io = await clusterIo(c);
    const [qs, cs] = await Promise.all([
      fromApi<QueueCount[]>(c, io, "/api/queues?columns=name,vhost,type,messages_ready,messages_unacknowledged,consumers", parseQueueCounts),
      fromApi<ConnectionCount[]>(c, io, "/api/connections?columns=user,peer_host,protocol", parseConnections),
    ]);
    return { qs, clients: cs ? clientConnections(cs, [MIGRATION_USER]) : null };
  };
  const [f, t] = await Promise.all([read(from), read(to)]);
  const rows = queueProgress(queues, f.qs ?? [], t.qs ?? []);
  const withLeft = rows.filter((q) => (q.leftOnBlue ?? 0) > 0);
  return {
    from: { id: from.id, name: from.name, clients: f.clients },
    to: { id: to.id, name: to.name, clients: t.clients },
    // The fullest first: what the operator waits for.
    queues: [...rows].sort((a, b) => (b.leftOnBlue ?? 0) - (a.leftOnBlue ?? 0)).slice(0, SHOWN),
    left: f.qs ? { queues: withLeft.length, messages: withLeft.reduce((n, q) => n + (q.leftOnBlue ?? 0), 0) } : null,
    readAt: new Date().toISOString(),
  };
}
