// What an operator chooses for a cluster, as typed options: the RabbitMQ
// side (the setup wizard's) and the load balancers with the VIP. They are the
// parts of the cluster spec (./index.ts) and the parameters of the operations
// that change them; one schema each, shared by the API, the wizard and the
// planners. Pure.
import { isIPv4 } from "node:net";
import { z } from "zod";
import { CHECK_DEFAULTS } from "@/lib/haproxy/checks";
import { hostName } from "@/lib/inventory/schemas";
import { IRREVERSIBLE } from "./markers";

const policyName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "Letters, digits, '.', '_' and '-' only");
const pattern = z.string().max(200).refine((p) => !p.includes("\0"), "No NUL bytes").default("^");
const packageVersion = z.string().regex(/^[A-Za-z0-9.+:~-]{1,64}$/);
const port = z.number().int().min(1).max(65535);

export const HaOptions = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("all"), pattern, policyName: policyName.default("ha-all") }),
  z.object({ mode: z.literal("exactly"), count: z.number().int().min(1).max(12), pattern, policyName: policyName.default("ha-exactly") }),
  z.object({ mode: z.literal("quorum") }),
]);

/** The RabbitMQ side of a cluster: what setup installs and configures. */
export const RabbitmqOptions = z.object({
  clusterName: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, "Letters, digits, '.', '_', '@' and '-' only"),
  ha: HaOptions,
  manageHostsFile: z.boolean().default(true),
  rabbitmqVersion: packageVersion.optional(),
  erlangVersion: packageVersion.optional(),
  management: z.boolean().default(true),
  adminUser: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "Letters, digits, '.', '_' and '-' only").default("warren-admin"),
  removeGuest: z.boolean().default(true),
  /** Khepri as the metadata store (feature flag khepri_db), where the version has it as an opt-in. Irreversible. */
  khepri: z.boolean().default(false).meta(IRREVERSIBLE),
});
export type RabbitmqOptions = z.infer<typeof RabbitmqOptions>;

export const LoadBalancerOptions = z.strictObject({
  vip: z.string().refine((v) => isIPv4(v), "An IPv4 address, e.g. 10.0.0.100"),
  prefix: z.number().int().min(1).max(32).default(24),
  interface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, "A network interface name, e.g. eth0"),
  routerId: z.number().int().min(1, "1–255").max(255, "1–255"),
  /** The load balancer that normally holds the VIP (highest priority); the first one by default. */
  master: hostName.optional(),
  /** Explicit VRRP priorities per load balancer (1–254); by default 150, 140, … from the master down. */
  priorities: z.record(z.string(), z.number().int().min(1).max(254)).optional(),
  vrrpVersion: z.union([z.literal(2), z.literal(3)]).default(3),
  advertInt: z.number().min(0.01).max(40.95).default(0.2),
  unicast: z.boolean().default(false),
  preemption: z.enum(["immediate", "delayed", "never"]).default("never"),
  preemptDelay: z.number().int().min(1).max(1000).default(60),
  frontendPort: port.optional(),
  balance: z.enum(["roundrobin", "leastconn"]).default("roundrobin"),
  /** Also each check's answer deadline (lib/haproxy/checks.ts). */
  checkInterMs: z.number().int().min(100).max(60_000).default(CHECK_DEFAULTS.checkInterMs),
  checkFall: z.number().int().min(1).max(10).default(CHECK_DEFAULTS.checkFall),
  /** Good answers before a node that was down takes clients again: no flapping after a stall. */
  checkRise: z.number().int().min(1).max(10).default(CHECK_DEFAULTS.checkRise),
  shutdownSessions: z.boolean().default(true),
  timeoutSeconds: z.number().int().min(60).max(7 * 24 * 3600).default(3 * 3600),
  statsPort: port.default(8404),
  statsUri: z.string().regex(/^\/[A-Za-z0-9_./-]{0,63}$/, "A path such as /stats").default("/stats"),
  statsUser: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, "Letters, digits, '.', '_' and '-'").default("warren"),
  managementPort: z.number().int().min(0).max(65535).default(0),
  haproxyVersion: packageVersion.optional(),
});
export type LoadBalancerOptions = z.infer<typeof LoadBalancerOptions>;

/** The setup wizard's parameters: the RabbitMQ options, and the load balancers' when the cluster has them. */
export const SetupOptions = RabbitmqOptions.extend({
  /** The wizard's load-balancer step: HAProxy and Keepalived on the cluster's load balancers, after RabbitMQ. */
  loadBalancers: LoadBalancerOptions.optional(),
});
export type SetupOptions = z.infer<typeof SetupOptions>;
