import "server-only";
// Alerts for pages, server actions and the API: incidents and their
// history, channels (secrets sealed, never returned), routes, silences and
// per-cluster rules. Every change writes its audit row here, once, and tells
// the engine to read its configuration again.
import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";
import { DuplicateError } from "@/lib/inventory/hosts";
import { Prisma } from "@/lib/generated/prisma/client";
import { ZodError } from "zod";
import { publicTarget, sealChannelSecrets } from "./channels";
import { deliveryWorker } from "./delivery";
import { alertEngine, publicUrl } from "./engine";
import type { Member } from "./evaluate";
import { ALERT_KINDS, KINDS, severityRank, type AlertKind, type AlertSeverity } from "./kinds";
import type { Payload } from "./render";
import { effectiveRules, overriddenParts } from "./rules";
import { ChannelInput, RouteInput, RulesInput, SilenceInput, type ChannelConfig, type ChannelSecrets } from "./schema";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** A refusal of one field, answered like a validation error (400 with the field's message). */
const invalid = (field: string, message: string) => new ZodError([{ code: "custom", path: [field], message, input: undefined }]);

// Incidents ------------------------------------------------------------------

type IncidentRow = Prisma.IncidentGetPayload<{ include: { cluster: { select: { name: true } } } }>;

export function incidentView(r: IncidentRow) {
  return {
    id: r.id, clusterId: r.clusterId, cluster: r.cluster.name, kind: r.kind as AlertKind, severity: r.severity as AlertSeverity,
    status: r.status as "firing" | "held" | "silenced" | "resolved", title: r.title, summary: r.summary,
    members: (JSON.parse(r.members) as Member[]).map((m) => ({ ...m, since: new Date(m.since).toISOString() })),
    openedAt: r.openedAt.toISOString(), resolvedAt: iso(r.resolvedAt), firedAt: iso(r.firedAt),
  };
}
export type IncidentView = ReturnType<typeof incidentView>;

export async function listIncidents(f: { state?: "open" | "resolved" | "all"; clusterId?: string; take?: number } = {}): Promise<IncidentView[]> {
  const state = f.state ?? "open";
  const rows = await db().incident.findMany({
    where: { ...(f.clusterId ? { clusterId: f.clusterId } : {}), ...(state === "open" ? { resolvedAt: null } : state === "resolved" ? { resolvedAt: { not: null } } : {}) },
    include: { cluster: { select: { name: true } } },
    orderBy: { openedAt: "desc" }, take: Math.min(f.take ?? 200, 1000),
  });
  return rows.map(incidentView);
}

export async function getIncident(id: string) {
  const r = await db().incident.findUnique({ where: { id }, include: { cluster: { select: { name: true } }, transitions: { orderBy: { seq: "asc" } } } });
  if (!r) return null;
  return {
    ...incidentView(r),
    transitions: r.transitions.map((t) => ({
      seq: t.seq, type: t.type, at: t.at.toISOString(), severity: t.severity, status: t.status, summary: t.summary,
      members: (JSON.parse(t.members) as Member[]).map((m) => ({ ...m, since: new Date(m.since).toISOString() })),
    })),
    deliveries: await listDeliveries({ incidentId: id }),
  };
}

/** Per cluster: open incidents, the worst severity among those that page, and how many are held or silenced. */
export async function alertSummary(): Promise<Record<string, { open: number; firing: number; worst: AlertSeverity | null; quiet: number }>> {
  const rows = await db().incident.findMany({ where: { resolvedAt: null }, select: { clusterId: true, severity: true, status: true } });
  const out: Record<string, { open: number; firing: number; worst: AlertSeverity | null; quiet: number }> = {};
  for (const r of rows) {
    const s = (out[r.clusterId] ??= { open: 0, firing: 0, worst: null, quiet: 0 });
    s.open++;
    if (r.status === "firing") {
      s.firing++;
      const sev = r.severity as AlertSeverity;
      if (!s.worst || severityRank(sev) > severityRank(s.worst)) s.worst = sev;
    } else s.quiet++;
  }
  return out;
}

// Deliveries -----------------------------------------------------------------

export async function listDeliveries(f: { channelId?: string; incidentId?: string; take?: number } = {}) {
  const rows = await db().notification.findMany({
    where: { ...(f.channelId ? { channelId: f.channelId } : {}), ...(f.incidentId ? { incidentId: f.incidentId } : {}) },
    include: { channel: { select: { name: true } }, log: { orderBy: { at: "asc" } } },
    orderBy: { createdAt: "desc" }, take: Math.min(f.take ?? 100, 500),
  });
  return rows.map((n) => ({
    id: n.id, channelId: n.channelId, channel: n.channel.name, incidentId: n.incidentId, seq: n.seq, transition: n.transition,
    status: n.status as "pending" | "sending" | "sent" | "failed", attempts: n.attempts, createdAt: n.createdAt.toISOString(), nextAttemptAt: iso(n.nextAttemptAt), sentAt: iso(n.sentAt), lastError: n.lastError,
    summary: (JSON.parse(n.payload) as Payload).summary,
    log: n.log.map((a) => ({ at: a.at.toISOString(), ok: a.ok, status: a.status, answer: a.answer, durationMs: a.durationMs })),
  }));
}
export type DeliveryView = Awaited<ReturnType<typeof listDeliveries>>[number];

// Channels -------------------------------------------------------------------

function channelView(c: { id: string; name: string; type: string; config: string; secretEnc: string | null; createdAt: Date; createdBy: string }) {
  const config = JSON.parse(c.config) as ChannelConfig;
  const target = config.type === "email" ? `${config.to.join(", ")} via ${config.host}:${config.port} (${config.security})` : config.target;
  return { id: c.id, name: c.name, type: config.type, target, config, hasSecret: !!c.secretEnc, createdAt: c.createdAt.toISOString(), createdBy: c.createdBy };
}
export type ChannelView = ReturnType<typeof channelView>;

export async function listChannels(): Promise<ChannelView[]> {
  return (await db().alertChannel.findMany({ orderBy: { name: "asc" } })).map(channelView);
}

export async function getChannel(id: string): Promise<ChannelView | null> {
  const c = await db().alertChannel.findUnique({ where: { id } });
  return c && channelView(c);
}

/** Creates a channel; a webhook's signing key, when Warren made it, is returned this once. */
export async function createChannel(raw: unknown, who: Principal): Promise<{ channel: ChannelView; signingKey?: string }> {
  const input = ChannelInput.parse(raw);
  const id = randomUUID();
  let config: ChannelConfig;
  let secrets: ChannelSecrets;
  let madeKey: string | undefined;
  if (input.type === "email") {
    config = { type: "email", host: input.host, port: input.port, security: input.security, verifyCertificate: input.verifyCertificate, username: input.username ?? null, from: input.from, to: input.to };
    secrets = input.password ? { password: input.password } : {};
  } else if (input.type === "webhook") {
    madeKey = input.signingKey ? undefined : randomBytes(32).toString("hex");
    config = { type: "webhook", target: publicTarget(input.url) };
    secrets = { url: input.url, signingKey: input.signingKey ?? madeKey };
  } else {
    config = { type: "slack", target: publicTarget(input.url) };
    secrets = { url: input.url };
  }
  try {
    const c = await db().alertChannel.create({
      data: { id, name: input.name, type: input.type, config: JSON.stringify(config), secretEnc: Object.keys(secrets).length ? sealChannelSecrets(id, secrets) : null, createdBy: who.username },
    });
    await audit(who, "alert.channel.create", { type: "alert-channel", id, name: c.name }, `${input.type} to ${channelView(c).target}`);
    alertEngine().invalidate();
    return { channel: channelView(c), ...(madeKey ? { signingKey: madeKey } : {}) };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new DuplicateError("name", `A channel named ${input.name} exists already`);
    throw e;
  }
}

export async function deleteChannel(id: string, who: Principal): Promise<ChannelView | null> {
  const c = await db().alertChannel.findUnique({ where: { id } });
  if (!c) return null;
  await db().alertChannel.delete({ where: { id } });
  await audit(who, "alert.channel.delete", { type: "alert-channel", id, name: c.name });
  alertEngine().invalidate();
  return channelView(c);
}

/**
 * A test notification through the same outbox and worker as a real one;
 * waits (up to `waitMs`) for its first attempt and returns the delivery.
 */
export async function testChannel(id: string, who: Principal, waitMs = 20_000): Promise<DeliveryView | null> {
  const c = await db().alertChannel.findUnique({ where: { id } });
  if (!c) return null;
  const nid = randomUUID();
  const now = new Date();
  const payload: Payload = {
    id: nid, transition: "test", severity: "warning", cluster: "(test)", clusterId: null,
    incident: { id: null, kind: "test", title: "Test notification", status: "test", openedAt: now.toISOString(), resolvedAt: null },
    summary: `A test from Warren, sent by ${who.username} to the channel ${c.name}: if you read this, the channel works.`,
    members: [], url: `${publicUrl()}/alerts/channels`, at: now.toISOString(),
  };
  await db().notification.create({ data: { id: nid, incidentId: null, seq: 0, channelId: id, transition: "test", status: "pending", nextAttemptAt: now, payload: JSON.stringify(payload) } });
  await audit(who, "alert.channel.test", { type: "alert-channel", id, name: c.name }, `notification ${nid}`);
  const attempted = deliveryWorker().attempted(nid, waitMs);
  deliveryWorker().wake();
  await attempted;
  return (await listDeliveries({ channelId: id, take: 20 })).find((d) => d.id === nid) ?? null;
}

// Routes ---------------------------------------------------------------------

export async function listRoutes() {
  const rows = await db().alertRoute.findMany({ include: { channel: { select: { name: true } }, cluster: { select: { name: true } } }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => ({ id: r.id, channelId: r.channelId, channel: r.channel.name, clusterId: r.clusterId, cluster: r.cluster?.name ?? null, minSeverity: r.minSeverity as AlertSeverity, repeatMinutes: r.repeatMinutes }));
}
export type RouteListItem = Awaited<ReturnType<typeof listRoutes>>[number];

export async function createRoute(raw: unknown, who: Principal) {
  const input = RouteInput.parse(raw);
  const ch = await db().alertChannel.findUnique({ where: { id: input.channelId }, select: { name: true } });
  if (!ch) throw invalid("channelId", "No such channel");
  const cl = input.clusterId ? await db().cluster.findUnique({ where: { id: input.clusterId }, select: { name: true } }) : null;
  if (input.clusterId && !cl) throw invalid("clusterId", "No such cluster");
  const r = await db().alertRoute.create({ data: { channelId: input.channelId, clusterId: input.clusterId, minSeverity: input.minSeverity, repeatMinutes: input.repeatMinutes, createdBy: who.username } });
  await audit(who, "alert.route.create", { type: "alert-route", id: r.id, name: ch.name }, `${cl ? `cluster ${cl.name}` : "every cluster"}, ${input.minSeverity} and up, repeat ${input.repeatMinutes ? `every ${input.repeatMinutes} min` : "never"}`);
  alertEngine().invalidate();
  return (await listRoutes()).find((x) => x.id === r.id)!;
}

export async function deleteRoute(id: string, who: Principal) {
  const r = await db().alertRoute.findUnique({ where: { id }, include: { channel: { select: { name: true } } } });
  if (!r) return null;
  await db().alertRoute.delete({ where: { id } });
  await audit(who, "alert.route.delete", { type: "alert-route", id, name: r.channel.name });
  alertEngine().invalidate();
  return { id };
}

// Silences -------------------------------------------------------------------

function silenceView(s: { id: string; clusterId: string; host: string | null; kind: string | null; reason: string; startsAt: Date; endsAt: Date; createdBy: string; expiredAt: Date | null; expiredBy: string | null; cluster?: { name: string } }, now = Date.now()) {
  return {
    id: s.id, clusterId: s.clusterId, cluster: s.cluster?.name ?? null, host: s.host, kind: s.kind, reason: s.reason, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(),
    createdBy: s.createdBy, expiredAt: iso(s.expiredAt), expiredBy: s.expiredBy, active: !s.expiredAt && s.endsAt.getTime() > now && s.startsAt.getTime() <= now,
  };
}
export type SilenceListItem = ReturnType<typeof silenceView>;

export async function listSilences(f: { active?: boolean; take?: number } = {}): Promise<SilenceListItem[]> {
  const now = new Date();
  const rows = await db().silence.findMany({
    where: f.active ? { expiredAt: null, endsAt: { gt: now } } : {}, include: { cluster: { select: { name: true } } },
    orderBy: { createdAt: "desc" }, take: Math.min(f.take ?? 100, 500),
  });
  return rows.map((s) => silenceView(s, now.getTime()));
}

export async function createSilence(raw: unknown, who: Principal): Promise<SilenceListItem> {
  const input = SilenceInput.parse(raw);
  const cluster = await db().cluster.findUnique({ where: { id: input.clusterId }, select: { name: true } });
  if (!cluster) throw invalid("clusterId", "No such cluster");
  const now = Date.now();
  const endsAt = input.endsAt ? new Date(input.endsAt) : new Date(now + input.minutes! * 60_000);
  if (endsAt.getTime() <= now) throw invalid("endsAt", "The end must be in the future");
  if (endsAt.getTime() > now + 90 * 86_400_000) throw invalid("endsAt", "At most 90 days ahead");
  const s = await db().silence.create({ data: { clusterId: input.clusterId, host: input.host, kind: input.kind, reason: input.reason, endsAt, createdBy: who.username }, include: { cluster: { select: { name: true } } } });
  await audit(who, "alert.silence.create", { type: "cluster", id: input.clusterId, name: cluster.name },
    `silence ${s.id}: ${input.kind ? KINDS[input.kind].title : "every kind"} on ${input.host ?? "every host"} until ${endsAt.toISOString()}: ${input.reason}`);
  alertEngine().invalidate();
  return silenceView(s);
}

export async function expireSilence(id: string, who: Principal): Promise<SilenceListItem | null> {
  const s = await db().silence.findUnique({ where: { id }, include: { cluster: { select: { name: true } } } });
  if (!s) return null;
  if (s.expiredAt || s.endsAt.getTime() <= Date.now()) return silenceView(s);
  const after = await db().silence.update({ where: { id }, data: { expiredAt: new Date(), expiredBy: who.username }, include: { cluster: { select: { name: true } } } });
  await audit(who, "alert.silence.expire", { type: "cluster", id: s.clusterId, name: s.cluster.name }, `silence ${id}: ${s.reason}`);
  alertEngine().invalidate();
  return silenceView(after);
}

// Rules ----------------------------------------------------------------------

export async function clusterRules(clusterId: string) {
  const rows = await db().alertRule.findMany({ where: { clusterId } });
  const eff = effectiveRules(rows);
  return ALERT_KINDS.map((kind) => {
    const d = KINDS[kind];
    const r = eff[kind];
    return {
      kind, title: d.title, what: d.what, enabled: r.enabled, severity: r.severity, forSeconds: r.forS, threshold: r.threshold,
      thresholdLabel: d.threshold ? `${d.threshold.label} (${d.threshold.unit})` : null,
      overridden: overriddenParts(rows.find((x) => x.kind === kind)),
      defaults: { severity: d.severity, forSeconds: d.forS, threshold: d.threshold?.default ?? null },
    };
  });
}
export type RuleView = Awaited<ReturnType<typeof clusterRules>>[number];

/** Sets overrides for the given kinds (null resets a part to its default; a rule equal to the defaults is removed). */
export async function saveRules(clusterId: string, raw: unknown, who: Principal) {
  const { rules } = RulesInput.parse(raw);
  const cluster = await db().cluster.findUnique({ where: { id: clusterId }, select: { name: true } });
  if (!cluster) return null;
  const changed: string[] = [];
  for (const r of rules) {
    const d = KINDS[r.kind];
    if (r.threshold !== undefined && r.threshold !== null && d.threshold && (r.threshold < d.threshold.min || r.threshold > d.threshold.max))
      throw invalid(`${r.kind}.threshold`, `${d.title}: between ${d.threshold.min} and ${d.threshold.max}`);
    const prev = await db().alertRule.findUnique({ where: { clusterId_kind: { clusterId, kind: r.kind } } });
    const next = {
      enabled: r.enabled === undefined ? prev?.enabled ?? null : r.enabled === true ? null : r.enabled,
      severity: r.severity === undefined ? prev?.severity ?? null : r.severity === d.severity ? null : r.severity,
      forSeconds: r.forSeconds === undefined ? prev?.forSeconds ?? null : r.forSeconds === d.forS ? null : r.forSeconds,
      threshold: !d.threshold ? null : r.threshold === undefined ? prev?.threshold ?? null : r.threshold === d.threshold.default ? null : r.threshold,
    };
    const same = prev && prev.enabled === next.enabled && prev.severity === next.severity && prev.forSeconds === next.forSeconds && prev.threshold === next.threshold;
    if (same || (!prev && Object.values(next).every((v) => v === null))) continue;
    if (Object.values(next).every((v) => v === null)) await db().alertRule.delete({ where: { clusterId_kind: { clusterId, kind: r.kind } } });
    else await db().alertRule.upsert({ where: { clusterId_kind: { clusterId, kind: r.kind } }, create: { clusterId, kind: r.kind, ...next, updatedBy: who.username }, update: { ...next, updatedBy: who.username } });
    const parts = Object.entries(next).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
    changed.push(`${r.kind}: ${parts.length ? parts.join(", ") : "defaults"}`);
  }
  if (changed.length) {
    await audit(who, "alert.rules.update", { type: "cluster", id: clusterId, name: cluster.name }, changed.join("; "));
    alertEngine().invalidate();
  }
  return { changed: changed.length, rules: await clusterRules(clusterId) };
}
