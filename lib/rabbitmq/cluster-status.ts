// Parser for `rabbitmqctl cluster_status --formatter json` (3.8–4.x): by key,
// tolerant of extra keys; 3.10 puts ANSI colour codes into some values.

export interface ClusterStatus {
  clusterName: string | null;
  diskNodes: string[];
  ramNodes: string[];
  runningNodes: string[];
  partitions: Record<string, string[]>;
  alarms: { type: string; resource?: string; node?: string }[];
  versions: Record<string, { rabbitmq?: string; erlang?: string }>;
  maintenance: Record<string, string>;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const strip = (v: unknown) => (typeof v === "string" ? v.replace(ANSI, "").trim() : v);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === "string").map((x) => strip(x) as string) : []);

export function parseClusterStatus(out: string): ClusterStatus {
  const start = out.indexOf("{");
  if (start < 0) throw new Error("cluster_status printed no JSON");
  const j = JSON.parse(out.slice(start)) as Record<string, unknown>;
  const versions: ClusterStatus["versions"] = {};
  for (const [node, v] of Object.entries((j.versions as Record<string, Record<string, string>>) ?? {}))
    versions[node] = { rabbitmq: v?.rabbitmq_version, erlang: v?.erlang_version };
  const maintenance: Record<string, string> = {};
  for (const [node, v] of Object.entries((j.maintenance_status as Record<string, string>) ?? {})) maintenance[node] = String(strip(v));
  const partitions: Record<string, string[]> = {};
  for (const [node, v] of Object.entries((j.partitions as Record<string, unknown>) ?? {})) partitions[node] = strings(v);
  return {
    clusterName: typeof j.cluster_name === "string" ? j.cluster_name : null,
    diskNodes: strings(j.disk_nodes).sort(),
    ramNodes: strings(j.ram_nodes).sort(),
    runningNodes: strings(j.running_nodes).sort(),
    partitions,
    alarms: Array.isArray(j.alarms) ? (j.alarms as ClusterStatus["alarms"]) : [],
    versions,
    maintenance,
  };
}

/** What differs between a node's view and the plan; empty when they agree. */
export function compareWithPlan(s: ClusterStatus, expect: { name: string; disc: string[]; ram: string[] }): string[] {
  const d: string[] = [];
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (s.clusterName !== expect.name) d.push(`cluster name is ${s.clusterName}, planned ${expect.name}`);
  if (!same(s.diskNodes, [...expect.disc].sort())) d.push(`disc nodes are [${s.diskNodes}], planned [${expect.disc}]`);
  if (!same(s.ramNodes, [...expect.ram].sort())) d.push(`ram nodes are [${s.ramNodes}], planned [${expect.ram}]`);
  const all = [...expect.disc, ...expect.ram].sort();
  if (!same(s.runningNodes, all)) d.push(`running nodes are [${s.runningNodes}], expected all of [${all}]`);
  if (Object.values(s.partitions).some((p) => p.length)) d.push("the cluster reports network partitions");
  if (s.alarms.length) d.push(`alarms: ${s.alarms.map((a) => `${a.type}${a.node ? `@${a.node}` : ""}`).join(", ")}`);
  return d;
}
