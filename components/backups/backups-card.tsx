"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Archive, Download, GitCompare, RotateCcw, Upload } from "lucide-react";
import { backupNow, saveBackupSchedule } from "@/lib/actions/backups";
import type { Counts, Kind } from "@/lib/backups/definitions";
import { Badge, Button, Field, Input, Notice, Select, StatusLine } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { useFormAction } from "@/components/ui/use-form-action";
import { PlanView } from "@/components/ops/plan-view";
import { usePlan } from "@/components/ops/use-plan";
import { byKindLine } from "./restore-summary";

export interface BackupRow {
  id: string; clusterId: string; clusterName: string; createdAt: string; createdBy: string; reason: string | null; source: string;
  node: string | null; rabbitmqVersion: string | null; sizeBytes: number; plainBytes: number; counts: Counts;
}
export interface BackupCardStatus {
  latestAt: string | null; nextAt: string | null; count: number;
  lastFailure: { message: string; at: string; by: string | null; since: boolean } | null;
  schedule: { enabled: boolean; everyHours: number; keepCount: number | null; keepDays: number | null };
}

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`);
const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
const SOURCE: Record<string, string> = { "management-api": "management API", rabbitmqctl: "rabbitmqctl", upload: "uploaded file" };

/**
 * The cluster's definitions backups: how old the latest is, when the next is
 * due, the last failure; back up now, upload a file; every backup with its
 * counts, size, version and who took it; download (admins), diff, restore
 * (operators: the plan first, against the live definitions).
 */
export function BackupsCard(p: { clusterId: string; backups: BackupRow[]; others: BackupRow[]; status: BackupCardStatus; canOperate: boolean; isAdmin: boolean; setUp: boolean }) {
  const [restoring, setRestoring] = useState<string | null>(null);
  const { status: st } = p;
  return (
    <div className="flex min-w-0 flex-col gap-3 text-sm">
      <dl className="grid min-w-0 grid-cols-1 gap-x-3 sm:grid-cols-[auto_minmax(0,1fr)] sm:gap-y-1 [&>dd]:min-w-0 [&>dd]:break-words [&>dd]:mb-1 sm:[&>dd]:mb-0" aria-label="Backups at a glance">
        <dt className="text-muted">Latest backup</dt>
        <dd data-testid="backup-latest">{st.latestAt ? <Time date={st.latestAt} /> : <span>none yet</span>}</dd>
        <dt className="text-muted">Next scheduled</dt>
        <dd data-testid="backup-next">{!st.schedule.enabled ? "off (no scheduled backups)" : !p.setUp ? "once the cluster is set up" : st.nextAt ? <><Time date={st.nextAt} /> <span className="text-muted">every {st.schedule.everyHours} h</span></> : "—"}</dd>
        <dt className="text-muted">Kept</dt>
        <dd>{st.count} backup{st.count === 1 ? "" : "s"}; {st.schedule.keepCount === null && st.schedule.keepDays === null ? "all of them" : [st.schedule.keepCount !== null && `the newest ${st.schedule.keepCount}`, st.schedule.keepDays !== null && `everything from the last ${st.schedule.keepDays} days`].filter(Boolean).join(" and ")}</dd>
      </dl>
      {st.lastFailure && (
        <Notice tone={st.lastFailure.since ? "red" : "slate"} title={st.lastFailure.since ? "The last backup failed" : "An earlier backup failed (one has succeeded since)"}>
          <p data-testid="backup-failure" className="break-words"><Time date={st.lastFailure.at} />{st.lastFailure.by ? ` (${st.lastFailure.by})` : ""}: {st.lastFailure.message}</p>
        </Notice>
      )}
      {p.canOperate && <BackupActions clusterId={p.clusterId} />}
      {p.canOperate && <ScheduleForm clusterId={p.clusterId} s={st.schedule} />}
      {p.backups.length === 0 ? (
        <p className="text-muted">No backups yet.{p.canOperate ? " Back up now, or wait for the schedule; operations that can lose state back up first." : ""}</p>
      ) : (
        <ul className="flex min-w-0 flex-col divide-y divide-line" aria-label="Backups">
          {p.backups.map((b, i) => (
            <li key={b.id} className="flex min-w-0 flex-col gap-1 py-2" data-testid={`backup-${b.id}`}>
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <Archive aria-hidden className="size-4 text-muted" />
                <Time date={b.createdAt} />
                <Who by={b.createdBy} />
                {b.reason && <span className="break-words text-muted">— {b.reason}</span>}
              </div>
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <Badge tone="blue">{total(b.counts)} objects</Badge>
                {b.rabbitmqVersion && <Badge>RabbitMQ {b.rabbitmqVersion}</Badge>}
                <Badge>{SOURCE[b.source] ?? b.source}{b.node ? ` · ${b.node}` : ""}</Badge>
                <span className="text-xs text-muted">{size(b.sizeBytes)} stored ({size(b.plainBytes)} as JSON)</span>
              </div>
              <p className="break-words text-xs text-muted" data-testid="backup-counts">{byKindLine(Object.fromEntries(Object.entries(b.counts).filter(([, n]) => n > 0)) as Partial<Record<Kind, number>>) || "empty"}</p>
              <div className="flex flex-wrap gap-2">
                {p.isAdmin && <a className="inline-flex items-center gap-1 rounded-md border border-line px-2 py-1 text-xs hover:bg-surface-2" href={`/api/v1/clusters/${p.clusterId}/backups/${b.id}/download`} download>
                  <Download aria-hidden className="size-3.5" />Download</a>}
                {p.backups[i + 1] && <Link className="inline-flex items-center gap-1 rounded-md border border-line px-2 py-1 text-xs hover:bg-surface-2" href={`/clusters/${p.clusterId}/backups/diff?from=${p.backups[i + 1].id}&to=${b.id}`}>
                  <GitCompare aria-hidden className="size-3.5" />Diff with the previous</Link>}
                {p.canOperate && p.setUp && <Link className="inline-flex items-center gap-1 rounded-md border border-line px-2 py-1 text-xs hover:bg-surface-2" href={`/clusters/${p.clusterId}/backups/diff?from=${b.id}&to=live`}>
                  <GitCompare aria-hidden className="size-3.5" />Diff with live</Link>}
                {p.canOperate && p.setUp && <Button variant="secondary" size="sm" onClick={() => setRestoring(b.id)} aria-controls="restore-panel"><RotateCcw aria-hidden className="size-3.5" />Restore…</Button>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {p.canOperate && p.setUp && (p.backups.length > 0 || p.others.length > 0) && (
        <RestorePanel key={restoring ?? "none"} clusterId={p.clusterId} own={p.backups} others={p.others} initial={restoring ?? ""} />
      )}
    </div>
  );
}

/** Who took a backup: the schedule, a run (linked), an upload, or a user. */
function Who({ by }: { by: string }) {
  const run = /^run (\S+)$/.exec(by), upload = /^upload by (.+)$/.exec(by);
  if (by === "schedule") return <span className="text-muted">by the schedule</span>;
  if (run) return <span className="text-muted">by <Link className="text-accent underline" href={`/runs/${run[1]}`}>a run</Link></span>;
  if (upload) return <span className="text-muted">uploaded by {upload[1]}</span>;
  return <span className="text-muted">by {by}</span>;
}

function BackupActions({ clusterId }: { clusterId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [uploading, setUploading] = useState(false);
  const [state, setState] = useState<{ ok: boolean; message: string } | null>(null);
  const fileId = useId();
  const upload = async (file: File) => {
    setUploading(true);
    setState(null);
    try {
      // Gzipped in the browser: a large cluster's definitions fit the server's 1 MiB body limit.
      const body = await new Response(file.stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
      const r = await fetch(`/api/v1/clusters/${clusterId}/backups/upload?reason=${encodeURIComponent(`uploaded ${file.name}`.slice(0, 200))}`, { method: "POST", headers: { "Content-Type": "application/gzip" }, body });
      const j = (await r.json()) as { message?: string; backup?: { id: string } };
      setState(r.ok ? { ok: true, message: `Uploaded ${file.name} as backup ${j.backup?.id}` } : { ok: false, message: j.message ?? `HTTP ${r.status}` });
      if (r.ok) router.refresh();
    } catch (e) {
      setState({ ok: false, message: e instanceof Error ? e.message : String(e) });
    } finally {
      setUploading(false);
    }
  };
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <Button busy={pending} onClick={() => start(async () => {
          setState(null);
          const r = await backupNow(clusterId);
          setState({ ok: r.ok, message: r.message ?? "" });
          if (r.ok) router.refresh();
        })}>{pending ? "Backing up…" : "Back up now"}</Button>
        <label htmlFor={fileId} className="inline-flex cursor-pointer items-center gap-1.5 rounded-md border border-line-strong bg-surface px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-surface-2 focus-within:ring-1 focus-within:ring-focus">
          <Upload aria-hidden className="size-4" />{uploading ? "Uploading…" : "Upload a definitions file"}
          <input id={fileId} type="file" accept="application/json,.json" className="sr-only" disabled={uploading}
            onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) void upload(f); }} />
        </label>
      </div>
      <StatusLine state={state} />
    </div>
  );
}

function ScheduleForm({ clusterId, s }: { clusterId: string; s: BackupCardStatus["schedule"] }) {
  const { state, pending, formRef, onSubmit, fieldErrors } = useFormAction(saveBackupSchedule.bind(null, clusterId));
  const id = (k: string) => `backup-schedule-${k}`;
  return (
    <details>
      <summary className="cursor-pointer text-accent">Schedule and retention</summary>
      <form ref={formRef} onSubmit={onSubmit} className="mt-2 flex flex-col gap-3" aria-label="Backup schedule">
        <label className="flex items-center gap-2"><input type="checkbox" name="enabled" defaultChecked={s.enabled} /> Back up on a schedule</label>
        <div className="grid min-w-0 gap-3 sm:grid-cols-3">
          <Field label="Every (hours)" htmlFor={id("every")} error={fieldErrors.everyHours}><Input id={id("every")} name="everyHours" type="number" min={1} max={720} defaultValue={s.everyHours} required /></Field>
          <Field label="Keep the newest (empty: any number)" htmlFor={id("count")} error={fieldErrors.keepCount}><Input id={id("count")} name="keepCount" type="number" min={1} max={1000} defaultValue={s.keepCount ?? ""} /></Field>
          <Field label="Keep everything from the last days (empty: no age limit)" htmlFor={id("days")} error={fieldErrors.keepDays}><Input id={id("days")} name="keepDays" type="number" min={1} max={3650} defaultValue={s.keepDays ?? ""} /></Field>
        </div>
        <div className="flex flex-wrap items-center gap-2"><Button type="submit" variant="secondary" busy={pending}>Save the schedule</Button><StatusLine state={state} /></div>
      </form>
    </details>
  );
}

function RestorePanel({ clusterId, own, others, initial }: { clusterId: string; own: BackupRow[]; others: BackupRow[]; initial: string }) {
  const [backupId, setBackupId] = useState(initial);
  const [deleteExtra, setDeleteExtra] = useState(false);
  const [missing, setMissing] = useState(false);
  const plan = usePlan(clusterId, "restore", () => ({ backupId, deleteExtra }));
  const label = (b: BackupRow) => `${b.createdAt.replace("T", " ").slice(0, 19)} UTC — ${b.createdBy}, ${total(b.counts)} objects${b.rabbitmqVersion ? `, RabbitMQ ${b.rabbitmqVersion}` : ""}`;
  const byCluster = others.reduce<Record<string, BackupRow[]>>((m, b) => ({ ...m, [b.clusterName]: [...(m[b.clusterName] ?? []), b] }), {});
  return (
    <section id="restore-panel" aria-label="Restore a backup" className="flex min-w-0 flex-col gap-3 border-t border-line pt-3">
      <h3 className="text-sm font-semibold">Restore a backup</h3>
      <p className="text-muted">The plan says first, against the cluster&apos;s live definitions, what the restore creates, changes and keeps, and what it translates for this cluster&apos;s RabbitMQ version. The cluster is backed up before anything changes.</p>
      <Field label="The backup to restore" htmlFor="restore-backup" error={missing ? "Choose one first" : plan.fieldErrors.backupId}>
        <Select id="restore-backup" value={backupId} onChange={(e) => { setBackupId(e.target.value); setMissing(false); plan.reset(); }}>
          <option value="">choose…</option>
          {own.length > 0 && <optgroup label="This cluster">{own.map((b) => <option key={b.id} value={b.id}>{label(b)}</option>)}</optgroup>}
          {Object.entries(byCluster).map(([name, list]) => <optgroup key={name} label={`Cluster ${name}`}>{list.map((b) => <option key={b.id} value={b.id}>{label(b)}</option>)}</optgroup>)}
        </Select>
      </Field>
      <label className="flex items-start gap-2">
        <input type="checkbox" className="mt-1" checked={deleteExtra} onChange={(e) => { setDeleteExtra(e.target.checked); plan.reset(); }} />
        <span>Also delete what the cluster has and the backup has not, and declare again the queues and exchanges that differ from it <b>(destructive: their messages are lost; not reversible)</b></span>
      </label>
      <div><Button variant="secondary" busy={plan.busy === "plan"} onClick={() => { if (!backupId) { setMissing(true); return; } void plan.showPlan(); }}>Show the restore plan</Button></div>
      {plan.error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{plan.error}</p>}
      {plan.preview && <PlanView preview={plan.preview} startLabel="Start the restore" busy={plan.busy === "start"} onStart={plan.startRun} />}
    </section>
  );
}
