import { z } from "zod";
import { AuthType, MemberRole, NodeType } from "@/lib/vocabulary";
import { canonicalAddress } from "@/lib/net/address";

// One set of schemas for forms, server actions and the API.

/**
 * An IP or DNS name, in its one canonical spelling (lib/net/address.ts): what
 * is stored, pinned and connected to. "0x7f.1" becomes 127.0.0.1, "LOCALHOST"
 * localhost, "::ffff:10.0.0.1" 10.0.0.1.
 */
export const hostAddress = z
  .string()
  .max(253, "At most 253 characters")
  .trim()
  .min(1, "Address is required")
  .refine((v) => canonicalAddress(v) !== null, "Not a valid IP address or hostname")
  .transform((v) => canonicalAddress(v) ?? v);

/** A short host name: also RabbitMQ's node name (rabbit@NAME), so DNS-label rules apply. */
export const hostName = z
  .string()
  .max(63, "At most 63 characters")
  .trim()
  .min(1, "Name is required")
  .max(63, "At most 63 characters")
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "Lowercase letters, digits and '-' only (it becomes the node name)");

export const sshUser = z
  .string()
  .max(32, "At most 32 characters")
  .trim()
  .min(1, "User is required")
  .max(32)
  .regex(/^[a-z_][a-z0-9_-]*\$?$/, "Not a valid Unix user name");

export const MAX_KEY_CHARS = 16 * 1024;

/**
 * A PEM/OpenSSH private key by its first and last lines: string operations
 * in linear time (a regular expression over the whole text took quadratic
 * time on crafted input and froze the server).
 */
export function looksLikePrivateKey(text: string): boolean {
  const lines = text.trim().split("\n").map((l) => l.trim());
  if (lines.length < 3) return false;
  const begin = /^-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY-----$/;
  const end = /^-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY-----$/;
  return lines[0].length < 80 && lines[lines.length - 1].length < 80 && begin.test(lines[0]) && end.test(lines[lines.length - 1]);
}

const sshPort = z.number({ message: "Port must be a number" }).int("Port must be a whole number").min(1, "Port must be 1–65535").max(65535, "Port must be 1–65535");
const credentials = {
  authType: z.enum(AuthType, { message: "Authentication is 'key' or 'password'" }),
  privateKey: z.string().max(MAX_KEY_CHARS, `At most ${MAX_KEY_CHARS} characters`).optional(),
  passphrase: z.string().max(1024, "At most 1024 characters").optional(),
  password: z.string().max(1024, "At most 1024 characters").optional(),
};

export const HostInput = z
  .strictObject({
    name: hostName,
    address: hostAddress,
    port: sshPort.default(22),
    username: sshUser.default("root"),
    ...credentials,
    useSudo: z.boolean({ message: "useSudo is true or false" }).default(false),
    /** false: show the host's first key for comparison before trusting it. */
    trustFirstKey: z.boolean({ message: "trustFirstKey is true or false" }).default(true),
  })
  .superRefine((v, ctx) => {
    if (v.authType === "key") {
      if (!v.privateKey || !looksLikePrivateKey(v.privateKey))
        ctx.addIssue({ code: "custom", path: ["privateKey"], message: "Paste or upload a PEM/OpenSSH private key" });
    } else if (!v.password) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "Password is required" });
    }
  });
export type HostInput = z.infer<typeof HostInput>;

/**
 * Changes to a host: any subset of its connection settings. Credentials are
 * replaced only when given (authType with its key or password); the name is
 * the RabbitMQ node name, so it changes only while the host is in no cluster.
 */
export const HostUpdate = z
  .strictObject({
    name: hostName.optional(),
    address: hostAddress.optional(),
    port: sshPort.optional(),
    username: sshUser.optional(),
    ...credentials,
    authType: credentials.authType.optional(),
    useSudo: z.boolean({ message: "useSudo is true or false" }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.authType === "key" && (!v.privateKey || !looksLikePrivateKey(v.privateKey)))
      ctx.addIssue({ code: "custom", path: ["privateKey"], message: "Paste or upload a PEM/OpenSSH private key" });
    if (v.authType === "password" && !v.password) ctx.addIssue({ code: "custom", path: ["password"], message: "Password is required" });
    if (!v.authType && (v.privateKey || v.password || v.passphrase))
      ctx.addIssue({ code: "custom", path: ["authType"], message: "Say which credentials these are: authType 'key' or 'password'" });
  });
export type HostUpdate = z.infer<typeof HostUpdate>;

export const ClusterMemberInput = z.strictObject({
  hostId: z.string().min(1).max(64),
  role: z.enum(MemberRole),
  nodeType: z.enum(NodeType).optional(),
  isSeed: z.boolean().default(false),
});

export const ClusterInput = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1, "Name is required")
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "Letters, digits, '.', '_' and '-' only"),
    members: z.array(ClusterMemberInput).max(64, "At most 64 members").default([]),
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

export const UserInput = z.strictObject({
  username: z.string().max(64).trim().regex(/^[a-zA-Z0-9_.-]{2,64}$/, "2–64 letters, digits, '.', '_' or '-'"),
  password: z.string().min(10, "At least 10 characters").max(200),
  role: z.enum(["admin", "operator", "viewer"]),
});

export const TokenInput = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(64),
  role: z.enum(["admin", "operator", "viewer"]),
  /** Omitted: the token never expires. */
  expiresInDays: z.number({ error: "Expiry must be a number of days" }).int("Expiry must be whole days").min(1, "Expiry must be at least 1 day").max(3650, "Expiry must be at most 3650 days").optional(),
});
export type TokenInput = z.infer<typeof TokenInput>;

/** Field → first message, for showing errors next to form fields. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) {
    const k = i.path.length ? i.path.map(String).join(".") : "_form";
    out[k] ??= i.message;
  }
  return out;
}
