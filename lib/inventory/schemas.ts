import { isIP } from "node:net";
import { z } from "zod";

// One set of schemas for forms, server actions and the API.

const HOSTNAME_RE = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const hostAddress = z
  .string()
  .trim()
  .min(1, "Address is required")
  // All-numeric dotted names would be IPv4 to every resolver, so they must be valid IPs.
  .refine((v) => isIP(v) !== 0 || (HOSTNAME_RE.test(v) && !/^[0-9.]+$/.test(v)), "Not a valid IP address or hostname");

/** A short host name: also RabbitMQ's node name (rabbit@NAME), so DNS-label rules apply. */
export const hostName = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(63, "At most 63 characters")
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "Lowercase letters, digits and '-' only (it becomes the node name)");

export const sshUser = z
  .string()
  .trim()
  .min(1, "User is required")
  .max(32)
  .regex(/^[a-z_][a-z0-9_-]*\$?$/, "Not a valid Unix user name");

const PRIVATE_KEY_RE = /-----BEGIN ([A-Z0-9 ]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z0-9 ]+ )?PRIVATE KEY-----/;

export const HostInput = z
  .object({
    name: hostName,
    address: hostAddress,
    port: z.coerce.number({ message: "Port must be a number" }).int().min(1, "Port must be 1–65535").max(65535, "Port must be 1–65535").default(22),
    username: sshUser.default("root"),
    authType: z.enum(["key", "password"]),
    privateKey: z.string().optional(),
    passphrase: z.string().max(1024).optional(),
    password: z.string().max(1024).optional(),
    useSudo: z.coerce.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.authType === "key") {
      if (!v.privateKey || !PRIVATE_KEY_RE.test(v.privateKey))
        ctx.addIssue({ code: "custom", path: ["privateKey"], message: "Paste or upload a PEM/OpenSSH private key" });
    } else if (!v.password) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "Password is required" });
    }
  });
export type HostInput = z.infer<typeof HostInput>;

export const ClusterMemberInput = z.object({
  hostId: z.string().min(1),
  role: z.enum(["rabbitmq", "loadbalancer"]),
  nodeType: z.enum(["disc", "ram"]).optional(),
  isSeed: z.boolean().default(false),
});

export const ClusterInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Name is required")
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "Letters, digits, '.', '_' and '-' only"),
    members: z.array(ClusterMemberInput).default([]),
  })
  .superRefine((v, ctx) => {
    const nodes = v.members.filter((m) => m.role === "rabbitmq");
    if (nodes.length > 0 && !nodes.some((m) => m.nodeType === "disc"))
      ctx.addIssue({ code: "custom", path: ["members"], message: "A cluster needs at least one disc node" });
    if (nodes.some((m) => !m.nodeType))
      ctx.addIssue({ code: "custom", path: ["members"], message: "Every RabbitMQ node needs a type: disc or ram" });
    const seen = new Set<string>();
    for (const m of v.members) {
      const k = `${m.hostId}/${m.role}`;
      if (seen.has(k)) ctx.addIssue({ code: "custom", path: ["members"], message: "A host is listed twice in the same role" });
      seen.add(k);
    }
    if (nodes.filter((m) => m.isSeed).length > 1)
      ctx.addIssue({ code: "custom", path: ["members"], message: "Only one seed node" });
  });
export type ClusterInput = z.infer<typeof ClusterInput>;

export const UserInput = z.object({
  username: z.string().trim().regex(/^[a-zA-Z0-9_.-]{2,64}$/, "2–64 letters, digits, '.', '_' or '-'"),
  password: z.string().min(10, "At least 10 characters").max(200),
  role: z.enum(["admin", "operator", "viewer"]),
});

export const TokenInput = z.object({
  name: z.string().trim().min(1, "Name is required").max(64),
  role: z.enum(["admin", "operator", "viewer"]),
});

/** Field → first message, for showing errors next to form fields. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) {
    const k = i.path.length ? String(i.path[0]) : "_form";
    out[k] ??= i.message;
  }
  return out;
}
