// HAProxy's statistics CSV (`show stat` on the admin socket, or /stats;csv):
// columns read by their header names, never by position (Debian's 2.6 prints
// 103 columns, other builds fewer or more).

export type ServerStatus = "UP" | "DOWN" | "DRAIN" | "MAINT" | "NOLB" | "NO CHECK" | "TRANSITION";

export interface StatRow {
  proxy: string;
  name: string;
  kind: "frontend" | "backend" | "server" | "listener";
  /** As HAProxy prints it, e.g. "UP", "DOWN 1/2", "MAINT (via b/s)". */
  statusText: string;
  status: ServerStatus | "OPEN" | "STOP" | null;
  checkStatus: string | null;
  sessions: number;
  sessionsTotal: number;
  bytesIn: number;
  bytesOut: number;
  lastChangeS: number | null;
}

const TYPES = ["frontend", "backend", "server", "listener"] as const;

/** "UP 1/3" (going down) and "DOWN 1/2" (going up) are transitions; MAINT and DRAIN may carry "(via …)". */
export function serverStatus(text: string): ServerStatus | "OPEN" | "STOP" | null {
  const t = text.trim();
  if (!t) return null;
  if (/^(UP|DOWN|NOLB|DRAIN) \d+\/\d+$/.test(t)) return "TRANSITION";
  const word = t.split(/[ (]/)[0];
  switch (word) {
    case "UP": case "DOWN": case "DRAIN": case "MAINT": case "NOLB": case "OPEN": case "STOP": return word;
    case "no": return t.startsWith("no check") ? "NO CHECK" : null;
    default: return null;
  }
}

export function parseStatCsv(csv: string): StatRow[] {
  const lines = csv.split("\n").map((l) => l.replace(/\r$/, ""));
  const headerAt = lines.findIndex((l) => l.replace(/^# /, "").split(",").includes("pxname"));
  if (headerAt < 0) throw new Error("HAProxy stats: no header line (# pxname,…)");
  const header = lines[headerAt].replace(/^# /, "").split(",");
  const col = (name: string) => header.indexOf(name);
  const need = ["pxname", "svname", "status", "type"];
  for (const n of need) if (col(n) < 0) throw new Error(`HAProxy stats: no ${n} column`);
  const num = (f: string[], name: string) => { const i = col(name); const v = i < 0 ? NaN : Number(f[i]); return Number.isFinite(v) ? v : 0; };
  const rows: StatRow[] = [];
  for (const l of lines.slice(headerAt + 1)) {
    if (!l.trim()) continue;
    const f = l.split(",");
    if (f.length < header.length - 1) continue; // truncated line
    const type = Number(f[col("type")]);
    const kind = TYPES[type];
    if (!kind) continue;
    const statusText = f[col("status")] ?? "";
    const lastchg = col("lastchg") >= 0 && f[col("lastchg")] !== "" ? Number(f[col("lastchg")]) : null;
    const chk = col("check_status") >= 0 ? f[col("check_status")].replace(/^\* /, "") : "";
    rows.push({
      proxy: f[col("pxname")], name: f[col("svname")], kind, statusText, status: serverStatus(statusText),
      checkStatus: chk || null, sessions: num(f, "scur"), sessionsTotal: num(f, "stot"), bytesIn: num(f, "bin"), bytesOut: num(f, "bout"),
      lastChangeS: lastchg !== null && Number.isFinite(lastchg) ? lastchg : null,
    });
  }
  return rows;
}

/** The servers of one backend, as HAProxy sees them. */
export function backendServers(rows: StatRow[], backend: string): StatRow[] {
  return rows.filter((r) => r.proxy === backend && r.kind === "server");
}
