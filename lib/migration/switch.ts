// The switch of clients from blue to green, behind the same VIP and port.
// First each load balancer's HAProxy gets a bridge configuration: blue's
// nodes as they are, green's beside them in maintenance (deployed one load
// balancer at a time, as the load-balancer deploys do, the VIP kept). The
// switch itself is then runtime API commands, no reload: on each load
// balancer, green's servers ready, then blue's to maintenance with their
// sessions closed — clients reconnect through the VIP and land on green. A
// roll back is the same in reverse. Only once blue is drained does the final
// configuration (green's nodes alone) replace the bridge. Pure.
import type { BackendNode } from "@/lib/haproxy/config";
import { serverStateStep } from "@/lib/ops/operations/rotation";
import type { CommandStep } from "@/lib/ops/plan";

export type Side = "blue" | "green";

/** The bridge's backend servers: the side clients use now ready, the other in maintenance. */
export function bridgeBackends(blue: BackendNode[], green: BackendNode[], serving: Side = "blue"): BackendNode[] {
  const clash = blue.filter((b) => green.some((g) => g.name === b.name || g.address === b.address));
  if (clash.length) throw new Error(`blue and green share ${clash.map((c) => c.name).join(", ")}: a server cannot be on both sides`);
  return [
    ...blue.map((n) => ({ name: n.name, address: n.address, disabled: serving !== "blue" })),
    ...green.map((n) => ({ name: n.name, address: n.address, disabled: serving !== "green" })),
  ];
}

const state = (lb: string, server: string, to: "ready" | "maint", key: string): CommandStep =>
  serverStateStep(lb, server, to, key, to === "ready" ? `HAProxy on ${lb}: ${server} ready` : `HAProxy on ${lb}: ${server} to maintenance, its sessions closed`);

/**
 * The switch to `to` on every load balancer, one after another (the VIP's
 * backup first: the holder, which carries the clients, last), each one
 * bringing `to`'s servers in before taking the other side's out, so a
 * client reconnecting at any moment finds a server. Every step is checked
 * first: a resumed or repeated switch does only what is left.
 */
export function switchSteps(loadBalancers: string[], blue: string[], green: string[], to: Side): CommandStep[] {
  const [incoming, outgoing] = to === "green" ? [green, blue] : [blue, green];
  return loadBalancers.flatMap((lb) => [
    ...incoming.map((s) => state(lb, s, "ready", `switch-${to}:in:${s}@${lb}`)),
    ...outgoing.map((s) => state(lb, s, "maint", `switch-${to}:out:${s}@${lb}`)),
  ]);
}
