import { randomBytes } from "node:crypto";

// Server log lines carry a reference the user can quote; only the error's
// class and code are logged, never its message (which could echo input).
export function logError(what: string, e: unknown): string {
  const ref = randomBytes(4).toString("hex");
  const err = e as { name?: string; code?: string; kind?: string };
  console.error(`[warren] ${what} ref=${ref} type=${err?.name ?? typeof e}${err?.code ? ` code=${err.code}` : ""}${err?.kind ? ` kind=${err.kind}` : ""}`);
  // No stack in the log unless asked for: frames can carry paths and values an attacker could probe for.
  if (process.env.WARREN_DEBUG === "1") {
    const frames = (e as Error)?.stack?.split("\n").slice(1, 8).join("\n");
    if (frames) console.error(frames);
  }
  return ref;
}
