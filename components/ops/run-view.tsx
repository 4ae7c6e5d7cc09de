"use client";
import { useEffect, useRef, useState, useTransition } from "react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { cancel, resume, retry } from "@/lib/actions/operations";
import type { RunDetail } from "@/lib/ops/service";
import { showHost, showVars } from "@/lib/ops/plan";
import { countSteps, countsLine, duration, hostTimes } from "@/lib/ops/run-summary";
import { Badge, Button, Notice, Pre, type Tone, scrollable } from "@/components/ui";
import { DownloadButton } from "@/components/ui/copy";
import { ForecastBadge } from "./plan-view";
import { MigrationProgressView } from "@/components/migration/migration-progress";
import { MIGRATION_RUNS } from "@/lib/migration/progress";

type Run = Omit<RunDetail, "createdAt" | "startedAt" | "finishedAt" | "steps"> & { createdAt: string; startedAt: string | null; finishedAt: string | null; steps: (Omit<RunDetail["steps"][number], "startedAt" | "finishedAt"> & { startedAt: string | null; finishedAt: string | null })[] };
interface Line { seq: number; hostName: string | null; stream: string; text: string; at: string }

const ACTIVE = ["queued", "running", "paused"];
/** Lines per answer of /api/v1/runs/{id}/log (getRunLog's limit). */
const LOG_PAGE = 2000;
const TONE: Record<string, Tone> = {
  pending: "slate", running: "blue", waiting: "amber", done: "green", skipped: "slate", failed: "red", interrupted: "amber", cancelled: "amber",
  queued: "slate", paused: "amber", succeeded: "green",
};
const STEP_LABEL: Record<string, string> = { skipped: "already in place", waiting: "waiting for you" };

const STOPS = [
  { mode: "after-step", variant: "secondary", label: "Stop after this step",
    question: "Stop this run after the steps in progress? They finish (a node's join as a whole); nothing new starts. Continue picks up from there." },
  { mode: "now", variant: "danger", label: "Abort now",
    question: "Abort now? The commands running on the hosts are killed mid-way (an apt install may be left for dpkg to repair; Warren repairs it before installing again). Use this for a hung step." },
] as const;

const ms = (a: string | null, b: string | null) => (a ? (b ? Date.parse(b) : Date.now()) - Date.parse(a) : 0);

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(`${r.status}`);
  return r.json();
}

export function RunView({ runId, canOperate }: { runId: string; canOperate: boolean }) {
  const [lines, setLines] = useState<Line[]>([]);
  const after = useRef(0);
  const [msg, setMsg] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [, tick] = useState(0);
  const run = useQuery({
    queryKey: ["run", runId],
    queryFn: () => getJson<{ run: Run }>(`/api/v1/runs/${runId}`).then((r) => r.run),
    refetchInterval: (q) => (q.state.data && !ACTIVE.includes(q.state.data.status) ? false : 1000),
  });
  const active = !run.data || ACTIVE.includes(run.data.status);
  // The log is read incrementally from the last seq seen: a reconnect misses nothing and repeats nothing.
  const log = useQuery({
    queryKey: ["run-log", runId],
    queryFn: async () => {
      // Page after page (the API answers at most LOG_PAGE lines): a finished run's long log is read whole, not cut at the first page.
      for (;;) {
        const r = await getJson<{ lines: Line[]; next: number }>(`/api/v1/runs/${runId}/log?after=${after.current}`);
        if (r.lines.length) {
          after.current = Math.max(after.current, r.next);
          // A refetch may overlap one still in flight: keep each line once.
          setLines((l) => { const last = l.length ? l[l.length - 1].seq : 0; const fresh = r.lines.filter((x) => x.seq > last); return fresh.length ? [...l, ...fresh] : l; });
        }
        if (r.lines.length < LOG_PAGE) return r.next;
      }
    },
    refetchInterval: active ? 1000 : false,
  });
  // The run's last lines land just before its status changes: read them at once.
  const status = run.data?.status;
  const refetchLog = log.refetch;
  useEffect(() => { if (status) void refetchLog(); }, [status, refetchLog]);
  useEffect(() => { if (!active) return; const t = setInterval(() => tick((x) => x + 1), 1000); return () => clearInterval(t); }, [active]);
  const logRef = useRef<HTMLPreElement>(null);
  const [follow, setFollow] = useState(true);
  useEffect(() => { if (follow) logRef.current?.scrollTo(0, logRef.current.scrollHeight); }, [lines.length, follow]);

  if (run.isError) return <p role="alert">Cannot load the run ({String(run.error)}).</p>;
  if (!run.data) return <p role="status">Loading the run…</p>;
  const r = run.data;
  const failed = r.steps.find((s) => s.status === "failed" || s.status === "interrupted");
  const waiting = r.steps.find((s) => s.status === "waiting");
  const finishedSteps = r.steps.filter((s) => s.status === "done" || s.status === "skipped").length;
  const total = r.steps.length;
  const elapsed = ms(r.startedAt, r.finishedAt);
  // Hosts as people read them: a run variable's value (which load balancer held the VIP), not its placeholder.
  const host = (h: string) => showHost(h, r.vars, r.varLabels);
  const perHost = hostTimes(r.steps, r.phases, (h) => (h ? host(h) : ""));
  const leftMs = r.status === "running" && finishedSteps > 0 && finishedSteps < total ? (elapsed / finishedSteps) * (total - finishedSteps) : null;
  const logText = lines.map((l) => `${l.at} ${l.hostName ? `[${l.hostName}] ` : ""}${l.text}`).join("\n") + "\n";

  return (
    <div className="flex min-w-0 flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">{r.title} — <Link className="text-accent underline" href={`/clusters/${r.clusterId}`}>{r.cluster.name}</Link></h1>
        <span data-testid="run-status"><Badge tone={TONE[r.status]}>{r.status}</Badge></span>
        <span className="text-sm text-muted">by {r.createdBy}</span>
      </div>

      <div className="flex flex-col gap-1" aria-label="Progress">
        <div className="flex flex-wrap items-baseline gap-x-4 text-sm">
          <span data-testid="run-progress"><b>{finishedSteps}</b> of {total} step{total === 1 ? "" : "s"} finished</span>
          <span className="text-muted">{duration(elapsed)}{r.finishedAt ? "" : " so far"}</span>
          {leftMs !== null && <span className="text-muted">roughly {duration(leftMs)} left at this pace</span>}
        </div>
        <div className="h-2 w-full overflow-hidden rounded bg-surface-2" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={finishedSteps} aria-label="Steps finished">
          <div className={`h-full ${r.status === "failed" ? "bg-red-600" : "bg-accent"}`} style={{ width: `${total ? (finishedSteps / total) * 100 : 0}%` }} />
        </div>
      </div>

      {canOperate && (
        <div className="flex flex-wrap items-center gap-2">
          {r.status === "paused" && <Button disabled={pending} onClick={() => start(async () => { setMsg((await resume(runId)).message ?? null); await run.refetch(); })}>Continue</Button>}
          {ACTIVE.includes(r.status) && STOPS.map((x) => (
            <Button key={x.mode} variant={x.variant} disabled={pending} onClick={() => {
              if (!confirm(x.question)) return;
              start(async () => setMsg((await cancel(runId, x.mode)).message ?? null));
            }}>{x.label}</Button>
          ))}
          {["failed", "interrupted", "cancelled"].includes(r.status) && <Button disabled={pending} onClick={() => start(async () => { setMsg((await retry(runId)).message ?? null); await run.refetch(); })}>
            {r.status === "interrupted" ? "Resume" : r.status === "cancelled" ? "Continue from where it stopped" : "Retry from the failed step"}</Button>}
          {msg && <span role="status" className="text-sm">{msg}</span>}
        </div>
      )}

      {waiting && <Notice tone="amber" title="Paused: waiting for an operator">{waiting.note ?? waiting.title}{canOperate ? " Press Continue to go on." : ""}</Notice>}
      {r.error && r.status !== "failed" && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{r.error}</p>}
      {failed && (
        <div data-testid="failed-step"><Notice tone="red" title={`${failed.status === "interrupted" ? "Interrupted" : "Failed"} on ${host(failed.hostName) || "Warren's machine"}: ${failed.title}`}>
          <div className="flex min-w-0 flex-col gap-1">
            <p className="mono break-all text-xs">$ {showVars(failed.command, r.vars, r.varLabels)}</p>
            {failed.exitCode !== null && <p>exit code {failed.exitCode}</p>}
            {failed.note && <p className="break-words">{failed.note}</p>}
            {failed.stderrTail && <Pre className="max-h-48">{failed.stderrTail}</Pre>}
          </div>
        </Notice></div>
      )}
      {r.status === "succeeded" && (
        <Notice tone="green" title="Finished">
          <p data-testid="run-summary">{countsLine(countSteps(r.steps), elapsed)}</p>
        </Notice>
      )}
      {MIGRATION_RUNS.includes(r.type) && <MigrationProgressView runId={runId} active={active} />}
      {perHost.length > 1 && (
        <section aria-label="Time on each host" className="min-w-0">
          <h2 className="text-sm font-semibold">Time on each host <span className="font-normal text-muted">(the time its steps took{r.phases.some((p) => p.subject) ? "; a node’s upgrade counted whole, load balancers’ steps included" : ""})</span></h2>
          <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label="Time per host">
            {perHost.map((t) => <li key={t.host} data-testid={`host-time-${t.host}`}><span className="font-medium">{t.host}</span> <span className="text-muted">{duration(t.ms)}</span></li>)}
          </ul>
        </section>
      )}

      <div className="grid min-w-0 gap-4 xl:grid-cols-2">
        <div className="flex min-w-0 flex-col gap-3">
          {r.phases.map((ph, pi) => {
            const steps = r.steps.filter((s) => s.phase === pi);
            const done = steps.filter((s) => s.status === "done" || s.status === "skipped").length;
            return (
              <section key={pi} className="min-w-0" aria-label={`Phase ${pi + 1}: ${ph.title}`}>
                <h2 className="text-sm font-semibold">Phase {pi + 1}: {ph.title} <span className="font-normal text-muted">({done}/{steps.length}{ph.inOrder ? ", in order" : ph.oneHostAtATime ? ", one host at a time" : ""})</span></h2>
                <div className="overflow-x-auto" {...scrollable("Steps table")}>
                  <table className="w-full text-left text-xs">
                    <tbody>{steps.map((s) => (
                      <tr key={s.idx} className="border-t border-line align-top" data-testid={`step-${s.key}`} data-status={s.status}>
                        <td className="w-16 py-1 pr-2">{host(s.hostName) || "—"}</td>
                        <td className="pr-2" title={showVars(s.command, r.vars, r.varLabels)}>
                          {s.title}{s.destructive && <> <Badge tone="red">destructive</Badge></>}
                          {s.note && s.status !== "failed" && <div className="break-words text-muted" data-testid={`note-${s.key}`}>{s.note}</div>}
                          {s.diff && <details><summary className="cursor-pointer text-accent">diff</summary><Pre className="max-h-72">{s.diff}</Pre></details>}
                        </td>
                        <td className="w-28 text-right"><Badge tone={TONE[s.status] ?? "slate"}>{STEP_LABEL[s.status] ?? s.status}</Badge>{s.status === "pending" && s.forecast && <div className="mt-0.5"><ForecastBadge step={s} f={{ state: s.forecast as never }} /></div>}</td>
                        <td className="w-14 text-right text-muted">{s.startedAt ? duration(ms(s.startedAt, s.finishedAt)) : ""}</td>
                      </tr>
                    ))}</tbody>
                  </table>
                </div>
              </section>
            );
          })}
        </div>
        <div className="flex min-w-0 flex-col gap-2">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="text-sm font-semibold">Log</h2>
            <DownloadButton text={logText} filename={`warren-run-${runId}.log`} label="Download log" />
            <label className="flex items-center gap-1 text-xs"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow</label>
          </div>
          <Pre ref={logRef} data-testid="run-log" aria-live="off" className="h-[32rem]">
            {lines.map((l) => <div key={l.seq} className={l.stream === "stderr" ? "text-amber-300" : l.stream === "info" ? "text-sky-300" : ""}>{l.hostName ? `[${l.hostName}] ` : ""}{l.text}</div>)}
          </Pre>
        </div>
      </div>
    </div>
  );
}
