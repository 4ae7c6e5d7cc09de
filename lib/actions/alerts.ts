"use server";
import { revalidatePath } from "next/cache";
import { requireActionRole } from "@/lib/auth/guard";
import { createChannel, createRoute, createSilence, deleteChannel, deleteRoute, expireSilence, saveRules, testChannel, type DeliveryView } from "@/lib/alerts/service";
import { ALERT_KINDS, KINDS } from "@/lib/alerts/kinds";
import { toActionError, type ActionResult } from "./result";
import { FormArg, IdArg } from "./args";

// Who may do what: operators silence and tune a cluster's rules (day-to-day
// noise control); admins manage channels and routes (where pages go, and the
// secrets that reach them). Viewers read everything but secrets.

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};

export async function addSilence(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("operator");
    const s = await createSilence({ clusterId: text(form, "clusterId"), host: text(form, "host"), kind: text(form, "kind"), minutes: text(form, "minutes"), reason: text(form, "reason") }, p);
    revalidatePath("/alerts");
    return { ok: true, message: `Silenced ${s.kind ? KINDS[s.kind as keyof typeof KINDS]?.title ?? s.kind : "every alert"} on ${s.host ?? "every host"} of ${s.cluster} until ${s.endsAt.replace("T", " ").slice(0, 16)} UTC` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function endSilence(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("operator");
    const s = await expireSilence(IdArg.parse(id), p);
    if (!s) return { ok: false, message: "No such silence" };
    revalidatePath("/alerts");
    return { ok: true, message: "The silence has ended" };
  } catch (e) {
    return toActionError(e);
  }
}

export async function addChannel(_prev: ActionResult<{ signingKey?: string }> | null, form: FormData): Promise<ActionResult<{ signingKey?: string }>> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("admin");
    const type = text(form, "type");
    const raw = type === "email"
      ? { type, name: text(form, "name"), host: text(form, "host"), port: text(form, "port") || undefined, security: text(form, "security"), verifyCertificate: form.get("verifyCertificate") === "on", username: text(form, "username"), password: text(form, "password"), from: text(form, "from"), to: text(form, "to") }
      : type === "webhook" ? { type, name: text(form, "name"), url: text(form, "url"), signingKey: text(form, "signingKey") }
      : { type, name: text(form, "name"), url: text(form, "url") };
    const r = await createChannel(raw, p);
    revalidatePath("/alerts/channels");
    return { ok: true, message: `Added ${r.channel.name}${r.signingKey ? ": copy its signing key now, it is shown only once" : ""}`, ...(r.signingKey ? { signingKey: r.signingKey } : {}) };
  } catch (e) {
    return toActionError(e);
  }
}

export async function removeChannel(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const c = await deleteChannel(IdArg.parse(id), p);
    if (!c) return { ok: false, message: "No such channel" };
    revalidatePath("/alerts/channels");
    return { ok: true, message: `Deleted ${c.name}` };
  } catch (e) {
    return toActionError(e);
  }
}

/** Sends a test through the outbox and waits for its first attempt (up to 20 s). */
export async function sendTestNotification(id: string): Promise<ActionResult<{ delivery?: DeliveryView }>> {
  try {
    const p = await requireActionRole("admin");
    const d = await testChannel(IdArg.parse(id), p);
    if (!d) return { ok: false, message: "No such channel" };
    revalidatePath("/alerts/channels");
    const last = d.log.at(-1);
    if (d.status === "sent") return { ok: true, message: `Delivered: ${last?.answer ?? "accepted"}`, delivery: d };
    if (!last) return { ok: false, message: "Not attempted yet: it stays in the outbox and is sent as soon as the worker gets to it" };
    return { ok: false, message: `${d.status === "failed" ? "Failed for good" : `Not delivered yet (attempt ${d.attempts}; Warren tries again)`}: ${last.answer}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function addRoute(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("admin");
    const r = await createRoute({ channelId: text(form, "channelId"), clusterId: text(form, "clusterId"), minSeverity: text(form, "minSeverity"), repeatMinutes: text(form, "repeatMinutes") || undefined }, p);
    revalidatePath("/alerts/channels");
    return { ok: true, message: `Routed ${r.cluster ?? "every cluster"}'s ${r.minSeverity === "critical" ? "critical" : "warning and critical"} incidents to ${r.channel}` };
  } catch (e) {
    return toActionError(e);
  }
}

export async function removeRoute(id: string): Promise<ActionResult> {
  try {
    const p = await requireActionRole("admin");
    const r = await deleteRoute(IdArg.parse(id), p);
    if (!r) return { ok: false, message: "No such route" };
    revalidatePath("/alerts/channels");
    return { ok: true, message: "Route deleted" };
  } catch (e) {
    return toActionError(e);
  }
}

/** The rules form: per kind `enabled:<kind>` (a checkbox), `severity:<kind>`, `for:<kind>`, `threshold:<kind>`; every kind shown is sent. */
export async function saveAlertRules(clusterId: string, _prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    FormArg.parse(form);
    const p = await requireActionRole("operator");
    const id = IdArg.parse(clusterId);
    const shown = new Set(form.getAll("kind").filter((k): k is string => typeof k === "string"));
    const rules = ALERT_KINDS.filter((k) => shown.has(k)).map((kind) => ({
      kind,
      enabled: form.get(`enabled:${kind}`) === "on",
      severity: text(form, `severity:${kind}`) || undefined,
      forSeconds: text(form, `for:${kind}`) || undefined,
      threshold: KINDS[kind].threshold ? text(form, `threshold:${kind}`) || undefined : undefined,
    }));
    if (!rules.length) return { ok: false, message: "Nothing to save" };
    const r = await saveRules(id, { rules }, p);
    if (!r) return { ok: false, message: "No such cluster" };
    revalidatePath(`/clusters/${id}/alerts`);
    return { ok: true, message: r.changed ? `Saved ${r.changed} rule${r.changed === 1 ? "" : "s"}` : "No change" };
  } catch (e) {
    return toActionError(e);
  }
}
