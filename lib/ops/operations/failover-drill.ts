// A failover drill: break the VIP holder on purpose (stop Keepalived, kill
// HAProxy, or power it off where Warren has a power command), measure how
// long until another load balancer holds the VIP and until a client can
// connect through it, then restore the original state. The run's step
// timestamps are the measurements; drillResult() reads them back.
import { z } from "zod";
import { HAPROXY_KILL } from "@/lib/haproxy/scripts";
import { HOLDS_ADDRESS } from "@/lib/keepalived/scripts";
import { AMQP_GREETING } from "@/lib/rabbitmq/scripts";
import { bash, sh } from "@/lib/shell";
import { defineOperation, PlanError, type ClusterInventory } from "../operation";
import type { Plan, Step } from "../plan";
import { frontendPort } from "./load-balancers";
import { loadBalancersWork } from "../outages";

export const FAULTS = {
  "keepalived-stop": "Stop Keepalived on the VIP holder",
  "haproxy-kill": "Kill HAProxy on the VIP holder (SIGKILL, like a crash)",
  "power-off": "Power the VIP holder off",
} as const;
export type Fault = keyof typeof FAULTS;

export const DrillParams = z.strictObject({
  fault: z.enum(Object.keys(FAULTS) as [Fault, ...Fault[]]).meta({ description: "The fault to inject", "x-labels": FAULTS }),
});

const OWNER = "{var:owner}";

export function planDrill(c: ClusterInventory, p: z.infer<typeof DrillParams>): Plan {
  const o = c.spec?.loadBalancers;
  if (!o) throw new PlanError("The load balancers are not configured yet: deploy them (and the VIP) before a drill");
  if (c.loadBalancers.length < 2) throw new PlanError("A drill needs two or more load balancers");
  if (p.fault === "power-off" && !c.power) throw new PlanError("This Warren has no power command (WARREN_POWER_COMMAND), so it cannot power a host off and on again");
  // The client's view comes from a RabbitMQ node that is not a load balancer where possible.
  const prober = (c.nodes.find((n) => !c.loadBalancers.some((l) => l.name === n.name)) ?? c.nodes[0])?.name;
  if (!prober) throw new PlanError("The cluster has no RabbitMQ node to connect from");
  const lbs = c.loadBalancers.map((l) => l.name);
  const holds = sh(HOLDS_ADDRESS, "holds", o.vip);
  const vipGate = (key: string, title: string, extra: { not?: string; record?: string }, intervalMs: number, host = lbs[0]): Step => ({
    kind: "gate", key, title, host, argv: holds, waitingFor: title.toLowerCase(), intervalMs, timeoutMs: 60_000,
    across: { hosts: lbs, expect: "exactly-one", what: `the VIP ${o.vip}`, ...extra },
  });
  const fault: Step = p.fault === "power-off"
    ? { kind: "local", key: "fault", title: FAULTS[p.fault], host: "", argv: [...c.power!, "stop", OWNER], timeoutMs: 120_000,
      destructive: "powers off the load balancer holding the VIP: its clients' connections break and reconnect through the other" }
    : { kind: "command", key: "fault", title: FAULTS[p.fault], host: OWNER,
      argv: p.fault === "keepalived-stop" ? ["systemctl", "stop", "keepalived"] : sh(HAPROXY_KILL, "kill-haproxy"),
      destructive: "breaks the connections of the clients using the VIP; they reconnect through the other load balancer" };
  const restore: Step[] = p.fault === "power-off"
    ? [
      { kind: "local", key: "restore", title: "Power the host on again", host: "", argv: [...c.power!, "start", OWNER], timeoutMs: 180_000 },
      { kind: "gate", key: "restored", title: "Keepalived runs again on it", host: OWNER, argv: ["systemctl", "is-active", "keepalived"], waitingFor: "Keepalived to start", intervalMs: 1000, timeoutMs: 120_000 },
    ]
    : [{ kind: "command", key: "restore", title: p.fault === "keepalived-stop" ? "Start Keepalived again" : "HAProxy runs again (systemd restarts it)", host: OWNER,
      argv: ["systemctl", "start", p.fault === "keepalived-stop" ? "keepalived" : "haproxy"] }];
  // The fault is the drill's purpose: the VIP holder's faults (a powered-off holder is not seen) and the VIP moving, on any load balancer.
  const drilled = loadBalancersWork([OWNER, ...lbs], ["lb-unreachable"]);
  return {
    type: "failover-drill",
    // Who holds the VIP is known only when the run starts (the first gate records it).
    vars: { owner: "the VIP holder" },
    phases: [
      { title: "Before: find the VIP holder", steps: [vipGate("owner", "Exactly one load balancer holds the VIP", { record: "owner" }, 500)] },
      {
        // The measurement runs beside the fault, not after it: a graceful power-off takes seconds to
        // return, and the VIP may move long before. On the prober's lane: first the VIP moved, then a client.
        title: "Fault, measured: the VIP moves, clients connect again",
        expectedOutage: drilled,
        steps: [
          fault,
          vipGate("vip-moved", "The VIP is on another load balancer", { not: OWNER }, 100, prober),
          { kind: "gate", key: "amqp", title: `A client connects through ${o.vip}:${frontendPort(c, o)}`, host: prober, waitingFor: "an AMQP connection through the VIP",
            argv: ["timeout", "2", ...bash(AMQP_GREETING, "amqp", o.vip, String(frontendPort(c, o)))], intervalMs: 100, timeoutMs: 60_000 },
        ],
      },
      { title: "Restore", oneHostAtATime: true, order: ["", OWNER], steps: restore, expectedOutage: drilled },
      { title: "Settled: exactly one holder", steps: [vipGate("settled", "Exactly one load balancer holds the VIP again", {}, 500)], expectedOutage: drilled },
    ],
  };
}

export const failoverDrillOperation = defineOperation({
  type: "failover-drill",
  title: "Failover drill",
  description: "Injects a fault on the load balancer holding the VIP, measures how long until another one holds it and until a client connects through it, then restores the original state. The result stays in the cluster's history.",
  role: "operator",
  params: DrillParams,
  secrets: [],
  ui: "form",
  plan: planDrill,
});

export interface DrillResult { fault: Fault; from: string | null; to: string | null; vipSeconds: number | null; amqpSeconds: number | null }

/** The measurements of a finished drill, from its steps' times. */
export function drillResult(params: { fault: Fault }, steps: { key: string; startedAt: Date | string | null; finishedAt: Date | string | null; status: string; note: string | null }[], vars: Record<string, string>): DrillResult {
  const at = (key: string, which: "startedAt" | "finishedAt") => { const s = steps.find((x) => x.key === key && (which === "startedAt" || x.status === "done")); return s?.[which] ? new Date(s[which]!).getTime() : null; };
  const t0 = at("fault", "startedAt");
  const secs = (t: number | null) => (t0 !== null && t !== null ? Math.round((t - t0) / 100) / 10 : null);
  const moved = steps.find((s) => s.key === "vip-moved")?.note;
  return {
    fault: params.fault, from: vars.owner ?? null, to: moved && /is on (\S+)$/.exec(moved)?.[1] || null,
    vipSeconds: secs(at("vip-moved", "finishedAt")), amqpSeconds: secs(at("amqp", "finishedAt")),
  };
}
