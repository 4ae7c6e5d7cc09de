// The alert evaluator: from what is wrong now (the live view's alarms, the
// thresholds, a moved VIP, a failed run) and the rules, silences, holds and
// routes, to incident transitions and the notifications they send. Pure: the
// engine (engine.ts) calls it each time a cluster's health is derived, with
// the open incidents and a clock, and stores what it returns in one
// transaction.
//
// One incident per cluster and kind ("RabbitMQ nodes down" lists node2 and
// node3); it updates as members come and go and resolves when the last one
// clears. A member is held while a run of Warren's declares it (holds.ts),
// silenced while a silence matches; neither pages. A page goes out when the
// incident first has a member that is neither (firing), when another such
// member joins or the severity rises (update), every route's repeat interval
// while it lasts (repeat), and when it ends (resolved, to every channel that
// was paged).
import { alarmHosts, KINDS, kindOfAlarm, severityRank, type AlertKind, type AlertSeverity } from "./kinds";
import type { Hold } from "./holds";

/** Something wrong now: an alarm of the live view, or one Warren derives beside it. */
export interface Signal {
  id: string;
  severity: AlertSeverity;
  subject: string;
  message: string;
  /** When it began, if known (an alarm raised before a restart of Warren). */
  since?: number | null;
  /** How a list names it (default: the id after its kind, e.g. node2, node4/node2). */
  label?: string;
}

export interface EffectiveRule { kind: AlertKind; enabled: boolean; severity: AlertSeverity | "health"; forS: number; threshold: number | null }
export interface SilenceView { id: string; host: string | null; kind: AlertKind | null; startsAt: number; endsAt: number; reason: string; createdBy: string }
export interface RouteView { id: string; clusterId: string | null; channelId: string; minSeverity: AlertSeverity; repeatMinutes: number }

export interface Member {
  id: string;
  label: string;
  subject: string;
  hosts: string[];
  message: string;
  severity: AlertSeverity;
  since: number;
  /** Why it does not page: Warren's own work (the run and phase)… */
  held: string | null;
  /** …or a silence (who, until when, why). */
  silenced: string | null;
  /** An event's own time (a VIP move), where the member is an event remembered for a while rather than a condition. */
  eventAt?: number;
}

export type IncidentStatus = "firing" | "held" | "silenced";
export interface OpenIncident {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  status: IncidentStatus;
  title: string;
  summary: string;
  members: Member[];
  openedAt: number;
  /** The number of its last transition. */
  seq: number;
  /** When it first had a member that pages; null while all were held or silenced. */
  firedAt: number | null;
  /** Channel id → when it was last sent a notification about this incident. */
  notified: Record<string, number>;
}

export type Transition = "firing" | "update" | "repeat" | "resolved";
export type ChangeType = Transition | "held" | "silenced" | "changed";
export interface Delivery { channelId: string; transition: Transition }

export interface Change {
  /** The incident after the change (for "resolved", as it ended). */
  incident: OpenIncident;
  /**
   * Only its words changed (a host "last seen 7 s ago", a value that moved):
   * the incident is stored with them, but it is no transition — one a second
   * would bury the ones that matter on the incident's page.
   */
  quiet?: true;
  created: boolean;
  resolvedAt: number | null;
  type: ChangeType;
  seq: number;
  at: number;
  deliveries: Delivery[];
}

export interface EvalInput {
  clusterId: string;
  now: number;
  signals: Signal[];
  /** false while the cluster's watches are new (Warren restarted, the inventory changed): members may join, none leaves. */
  settled: boolean;
  nodeHosts: ReadonlySet<string>;
  rules: Record<AlertKind, EffectiveRule>;
  silences: SilenceView[];
  holds: Hold[];
  routes: RouteView[];
  open: ReadonlyMap<AlertKind, OpenIncident>;
  /** Signal id → when it was first seen (kept by the caller between calls, for "for" durations). */
  firstSeen: Map<string, number>;
  newId: () => string;
}

/** Alarms that are a consequence of a node being down: its backends and HAProxy's view of it, the last disc node, unsynchronised mirrors. */
const NODE_GONE: AlertKind[] = ["node-down", "node-unreachable"];
/** Kinds whose signals are events remembered for a while (their `since` is the event's time), not conditions. */
const EVENT_KINDS: ReadonlySet<AlertKind> = new Set(["vip-moved"]);

/** In firstSeen: the signal has so far been part of another incident (absorbed). */
const COVERED = Number.POSITIVE_INFINITY;

function absorbed(kind: AlertKind, s: Signal, goneHosts: Set<string>): boolean {
  if (!goneHosts.size) return false;
  if (kind === "backend-down" || kind === "lb-disagree") return goneHosts.has(alarmHosts(s.id, s.subject)[0]);
  if (kind === "disc-redundancy") return s.id === "last-disc";
  if (kind === "mirrors-unsynced") return true;
  return false;
}

const labelOf = (s: Signal) => s.label ?? (s.id.includes(":") ? s.id.slice(s.id.indexOf(":") + 1) : s.subject);

export function summarize(kind: AlertKind, members: Member[]): string {
  const pageable = members.filter((m) => !m.held && !m.silenced);
  const shown = pageable.length ? pageable : members;
  if (shown.length === 1) return shown[0].message;
  const names = shown.map((m) => m.label);
  return `${KINDS[kind].title}: ${names.slice(0, 6).join(", ")}${names.length > 6 ? ` and ${names.length - 6} more` : ""}`;
}

/** The channels a notification of this severity goes to, each with its shortest repeat interval (ms; Infinity: never). */
export function channelsFor(routes: RouteView[], clusterId: string, severity: AlertSeverity): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of routes) {
    if (r.clusterId !== null && r.clusterId !== clusterId) continue;
    if (severityRank(severity) < severityRank(r.minSeverity)) continue;
    const every = r.repeatMinutes > 0 ? r.repeatMinutes * 60_000 : Infinity;
    out.set(r.channelId, Math.min(out.get(r.channelId) ?? Infinity, every));
  }
  return out;
}

export function holdFor(kind: AlertKind, hosts: string[], holds: Hold[]): string | null {
  const h = holds.find((x) => x.kinds.includes(kind) && hosts.includes(x.host));
  return h ? `held: Warren's own work (${h.label})` : null;
}

export function silenceFor(kind: AlertKind, hosts: string[], silences: SilenceView[], now: number): string | null {
  const s = silences.find((x) => x.startsAt <= now && now < x.endsAt && (x.kind === null || x.kind === kind) && (x.host === null || hosts.includes(x.host)));
  return s ? `silenced by ${s.createdBy} until ${new Date(s.endsAt).toISOString().slice(0, 16).replace("T", " ")} UTC: ${s.reason}` : null;
}

/** The same members, held, silenced and rated alike (their words aside). */
const sameMembers = (a: Member[], b: Member[]) =>
  a.length === b.length && a.every((m, i) => m.id === b[i].id && m.held === b[i].held && m.silenced === b[i].silenced && m.severity === b[i].severity);
const sameWords = (a: Member[], b: Member[]) => a.length === b.length && a.every((m, i) => m.message === b[i].message);

export function evaluate(i: EvalInput): Change[] {
  const { now } = i;
  const byKind = new Map<AlertKind, Signal[]>();
  const kindOf = new Map<string, AlertKind>();
  for (const s of i.signals) {
    const k = kindOfAlarm(s.id, i.nodeHosts);
    kindOf.set(s.id, k);
    byKind.set(k, [...(byKind.get(k) ?? []), s]);
  }
  const goneHosts = new Set(NODE_GONE.flatMap((k) => (byKind.get(k) ?? []).map((s) => s.subject)));
  // Forget first sightings of what is gone: a condition that comes back starts its "for" again.
  const live = new Set(i.signals.map((s) => s.id));
  for (const id of [...i.firstSeen.keys()]) if (!live.has(id)) i.firstSeen.delete(id);

  const changes: Change[] = [];
  const kinds = new Set<AlertKind>([...byKind.keys(), ...i.open.keys()]);
  for (const kind of kinds) {
    const rule = i.rules[kind];
    const prev = i.open.get(kind) ?? null;
    const prevIds = new Set(prev?.members.map((m) => m.id));
    const all = rule.enabled ? byKind.get(kind) ?? [] : [];
    const signals = all.filter((s) => !absorbed(kind, s, goneHosts));
    // A row another incident covers (HAProxy's row about a node that is down) starts its own "for" only
    // when it stops being covered: a node back from a crash is still DOWN in HAProxy until its checks rise,
    // and that is not a second page.
    for (const s of all) if (!signals.includes(s)) i.firstSeen.set(s.id, COVERED);
    const due: Member[] = [];
    for (const s of signals) {
      const seen = i.firstSeen.get(s.id);
      const first = seen === undefined ? Math.min(s.since ?? Infinity, now) : seen === COVERED ? now : seen;
      if (seen === undefined || seen === COVERED) i.firstSeen.set(s.id, first);
      if (now - first < rule.forS * 1000 && !prevIds.has(s.id)) continue;
      const hosts = alarmHosts(s.id, s.subject);
      // A moved VIP is an event remembered for a minute, not a condition: a move made during Warren's own
      // work stays held for that minute, also once the work is over; a later move is judged on its own.
      const was = EVENT_KINDS.has(kind) ? prev?.members.find((m) => m.id === s.id) : undefined;
      const held = holdFor(kind, hosts, i.holds) ?? (was?.held && s.since != null && was.eventAt === s.since ? was.held : null);
      due.push({
        id: s.id, label: labelOf(s), subject: s.subject, hosts, message: s.message, severity: s.severity, since: first, held, silenced: held ? null : silenceFor(kind, hosts, i.silences, now),
        ...(EVENT_KINDS.has(kind) && s.since != null ? { eventAt: s.since } : {}),
      });
    }
    // Not settled: what was a member stays one, as it was last known.
    if (!i.settled && prev && rule.enabled) for (const m of prev.members) if (!due.some((d) => d.id === m.id)) due.push(m);
    due.sort((a, b) => a.since - b.since || a.id.localeCompare(b.id));

    if (!due.length) {
      if (!prev) continue;
      const seq = prev.seq + 1;
      const deliveries = prev.firedAt !== null ? Object.keys(prev.notified).map((channelId): Delivery => ({ channelId, transition: "resolved" })) : [];
      changes.push({ incident: { ...prev, seq }, created: false, resolvedAt: now, type: "resolved", seq, at: now, deliveries });
      continue;
    }

    const severity: AlertSeverity = rule.severity === "health" ? (due.some((m) => m.severity === "critical") ? "critical" : "warning") : rule.severity;
    const pageable = due.filter((m) => !m.held && !m.silenced);
    const status: IncidentStatus = pageable.length ? "firing" : due.every((m) => m.held || !m.silenced) ? "held" : "silenced";
    const channels = channelsFor(i.routes, i.clusterId, severity);
    const base: OpenIncident = prev
      ? { ...prev, severity, status, members: due, summary: summarize(kind, due), notified: { ...prev.notified } }
      : { id: i.newId(), kind, severity, status, title: KINDS[kind].title, summary: summarize(kind, due), members: due, openedAt: Math.min(...due.map((m) => m.since)), seq: 0, firedAt: null, notified: {} };

    let type: ChangeType | null = null;
    let deliveries: Delivery[] = [];
    const prevPageable = new Set(prev?.members.filter((m) => !m.held && !m.silenced).map((m) => m.id));
    const newlyPageable = pageable.filter((m) => !prevPageable.has(m.id));
    const escalated = !!prev && severityRank(severity) > severityRank(prev.severity);
    if (pageable.length && (newlyPageable.length || (escalated && prev?.firedAt !== null))) {
      type = base.firedAt === null ? "firing" : "update";
      deliveries = [...channels.keys()].map((channelId) => ({ channelId, transition: type === "update" && base.notified[channelId] !== undefined ? "update" : "firing" }));
      base.firedAt ??= now;
    } else if (pageable.length && base.firedAt !== null) {
      deliveries = [...channels].filter(([c, every]) => base.notified[c] !== undefined && now - base.notified[c] >= every).map(([channelId]) => ({ channelId, transition: "repeat" }));
      if (deliveries.length) type = "repeat";
    }
    if (!type) {
      if (!prev) type = status === "firing" ? "firing" : status;
      else if (!sameMembers(prev.members, due) || prev.status !== status || prev.severity !== severity) type = "changed";
      else if (prev.summary !== base.summary || !sameWords(prev.members, due)) {
        changes.push({ incident: { ...base, seq: prev.seq }, created: false, resolvedAt: null, type: "changed", quiet: true, seq: prev.seq, at: now, deliveries: [] });
        continue;
      }
    }
    if (!type) continue;
    for (const d of deliveries) base.notified[d.channelId] = now;
    const seq = (prev?.seq ?? 0) + 1;
    changes.push({ incident: { ...base, seq }, created: !prev, resolvedAt: null, type, seq, at: now, deliveries });
  }
  return changes;
}
