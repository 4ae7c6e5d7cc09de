// A RabbitMQ node in and out of the load balancers' rotation, through
// HAProxy's runtime API on every load balancer: before a node stops, its
// server goes to maintenance and its sessions are closed (clients reconnect
// through the VIP to the other nodes at once, not when the node dies); after
// it is back and healthy, the server is made ready again.
import { AMQP_BACKEND } from "@/lib/haproxy/config";
import { HAPROXY_SERVER_IN_STATE, HAPROXY_SERVER_STATE } from "@/lib/haproxy/scripts";
import { sh } from "@/lib/shell";
import type { ClusterInventory } from "../operation";
import type { CommandStep, Step } from "../plan";

/** Server `server` of the AMQP backend on load balancer `lb` to `to`, checked first (a repeated step does nothing). */
export function serverStateStep(lb: string, server: string, to: "maint" | "ready", key: string, title: string): CommandStep {
  return {
    kind: "command", key, host: lb, title,
    argv: sh(HAPROXY_SERVER_STATE, "server-state", AMQP_BACKEND, server, to),
    check: sh(HAPROXY_SERVER_IN_STATE, "server-in-state", AMQP_BACKEND, server, to),
  };
}

/** One step per load balancer (none when the cluster has no configured load balancers). */
export function rotationSteps(c: ClusterInventory, node: string, to: "maint" | "ready"): Step[] {
  if (!c.spec?.loadBalancers) return [];
  return c.loadBalancers.map((lb): Step => serverStateStep(lb.name, node, to, `${to === "maint" ? "out-of-rotation" : "into-rotation"}:${node}@${lb.name}`,
    to === "maint" ? `HAProxy on ${lb.name}: ${node} to maintenance, its sessions closed` : `HAProxy on ${lb.name}: ${node} ready again`));
}
