import path from "node:path";
import { z } from "zod";
import { parseAddressList } from "@/lib/net/address";

// Validated once; every module reads configuration from here, never process.env.
const EnvSchema = z.object({
  WARREN_DATA_DIR: z.string().min(1).default("./data"),
  WARREN_SECRET_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "" || decodeKey(v) !== null, {
      message: "must be 32 bytes, as 64 hex characters or base64",
    }),
  WARREN_ADMIN_USER: z.string().regex(/^[a-zA-Z0-9_.-]{2,64}$/).optional().or(z.literal("")),
  WARREN_ADMIN_PASSWORD: z.string().min(10).max(200).optional().or(z.literal("")),
  WARREN_SECURE_COOKIES: z.enum(["0", "1"]).default("0"),
  WARREN_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  WARREN_HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * A command that powers a host off and on: called as `<command> stop <host>` and
   * `<command> start <host>` (the lab's lab.sh, or a site's IPMI wrapper). Split on
   * spaces, run without a shell. Unset: the failover drill offers no power-off.
   */
  WARREN_POWER_COMMAND: z.string().max(500).optional().or(z.literal("")),
  /** The first block after repeated failed logins, in seconds; each further block doubles it. */
  WARREN_LOGIN_BLOCK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /**
   * The reverse proxies whose X-Forwarded-For (and -Host, -Proto) Warren believes:
   * addresses or CIDRs, comma- or space-separated. "0" or unset: none — the TCP
   * peer is the client. ("1", which trusted whatever the header said, is refused.)
   */
  WARREN_TRUSTED_PROXIES: z
    .string()
    .default("0")
    .transform((v, ctx) => {
      const list = v.trim() === "1" ? "a list of your proxies' addresses or CIDRs (e.g. 127.0.0.1 or 10.0.0.0/8), or 0 for none; '1' is no longer accepted" : parseAddressList(v);
      if (typeof list === "string") ctx.addIssue({ code: "custom", message: list });
      return typeof list === "string" ? [] : list;
    }),
  /** Where people reach this Warren (e.g. https://warren.example.com): the base of links in notifications. Unset: http://WARREN_HOST:PORT. */
  WARREN_PUBLIC_URL: z
    .string()
    .max(500)
    .optional()
    .or(z.literal(""))
    .refine((v) => !v || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v), { message: "must be an http:// or https:// URL without query or fragment, e.g. https://warren.example.com" }),
  /** How long live-health samples are kept, in hours. */
  WARREN_HISTORY_HOURS: z.coerce.number().min(1).max(24 * 90).default(24),
  /**
   * A PostgreSQL database (postgresql://user:password@host:port/db): several Warren
   * instances can share it (lib/instances). Unset: the SQLite file in the data
   * directory, for one instance.
   */
  WARREN_DATABASE_URL: z
    .string()
    .max(2000)
    .optional()
    .or(z.literal(""))
    .refine((v) => !v || /^postgres(ql)?:\/\/\S+$/.test(v), { message: "must be a postgresql:// URL, e.g. postgresql://warren:secret@db.example.com:5432/warren" }),
  /** Seconds an instance holds a cluster's lease without renewing it; a surviving instance takes the cluster over after it. */
  WARREN_LEASE_SECONDS: z.coerce.number().min(2).max(120).default(3),
  /** This instance's name on the admin page (default: host name, port and process id). */
  WARREN_INSTANCE_NAME: z.string().max(100).optional().or(z.literal("")),
}).refine((e) => !e.WARREN_DATABASE_URL || !!e.WARREN_SECRET_KEY, {
  path: ["WARREN_SECRET_KEY"],
  message: "must be set with WARREN_DATABASE_URL: every instance opens the same sealed secrets, so they share one key (the hex in the data directory's secret.key, if you copied a SQLite database)",
});

export type Env = z.infer<typeof EnvSchema> & { dataDir: string; dbFile: string };

export function decodeKey(v: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  const b = Buffer.from(v, "base64");
  return b.length === 32 ? b : null;
}

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Warren configuration:\n${lines.join("\n")}`);
  }
  const dataDir = path.resolve(parsed.data.WARREN_DATA_DIR);
  cached = { ...parsed.data, dataDir, dbFile: path.join(dataDir, "warren.db") };
  return cached;
}
