// "Test connection": one fixed, read-only script and a pure parser for its output.
import { shScript } from "@/lib/shell";

/**
 * Sections, then "@@end" (the parser's proof that the output is whole) —
 * unless $1 is "--more": the pre-flight scripts run it first, as one of their
 * arguments, and end the output themselves.
 */
export const PROBE_SCRIPT = shScript("PROBE_SCRIPT", [
  "echo @@os; cat /etc/os-release 2>/dev/null",
  "echo @@pm; for p in apt-get dnf yum zypper; do command -v $p; done",
  "echo @@systemd; if [ -d /run/systemd/system ]; then echo yes; else echo no; fi",
  "echo @@uid; id -u",
  'echo @@sudo; if [ "$(id -u)" = 0 ]; then echo root; elif sudo -n true 2>/dev/null; then echo yes; else echo no; fi',
  "echo @@hostname; hostname",
  '[ "$1" = --more ] || echo @@end',
].join("; "));

export interface ProbeFacts {
  os: { id: string | null; versionId: string | null; prettyName: string | null };
  packageManager: "apt" | "dnf" | "yum" | "zypper" | null;
  systemd: boolean;
  uid: number | null;
  sudo: "root" | "yes" | "no";
  hostname: string | null;
}

function sections(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur = "";
  for (const line of out.split("\n")) {
    const h = /^@@([a-z]+)$/.exec(line.trim());
    if (h) { cur = h[1]; m.set(cur, []); continue; }
    if (cur) m.get(cur)!.push(line);
  }
  return m;
}

export function parseOsRelease(lines: string[]): ProbeFacts["os"] {
  const kv = new Map<string, string>();
  for (const l of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l.trim());
    if (m) kv.set(m[1], m[2].replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1"));
  }
  return { id: kv.get("ID") ?? null, versionId: kv.get("VERSION_ID") ?? null, prettyName: kv.get("PRETTY_NAME") ?? null };
}

export function parseProbe(out: string): ProbeFacts {
  const s = sections(out);
  if (!s.has("end")) throw new Error("probe output is incomplete");
  const pms = (s.get("pm") ?? []).map((l) => l.trim().split("/").pop()).filter(Boolean);
  const pm = pms.includes("apt-get") ? "apt" : pms.includes("dnf") ? "dnf" : pms.includes("yum") ? "yum" : pms.includes("zypper") ? "zypper" : null;
  const uid = Number((s.get("uid") ?? [])[0]);
  const sudo = ((s.get("sudo") ?? [])[0] ?? "no").trim();
  return {
    os: parseOsRelease(s.get("os") ?? []),
    packageManager: pm,
    systemd: (s.get("systemd") ?? [])[0]?.trim() === "yes",
    uid: Number.isFinite(uid) ? uid : null,
    sudo: sudo === "root" || sudo === "yes" ? sudo : "no",
    hostname: (s.get("hostname") ?? [])[0]?.trim() || null,
  };
}
