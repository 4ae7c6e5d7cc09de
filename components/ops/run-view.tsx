"use client";
import { useEffect, useRef, useState, useTransition } from "react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { cancel, retry } from "@/lib/actions/operations";
import { Badge, Button } from "@/components/ui";

interface Step { idx: number; phase: number; key: string; title: string; hostName: string; command: string; destructive: boolean; status: string; exitCode: number | null; stderrTail: string | null; note: string | null; startedAt: string | null; finishedAt: string | null }
interface Run { id: string; clusterId: string; type: string; status: string; error: string | null; createdBy: string; createdAt: string; startedAt: string | null; finishedAt: string | null; cluster: { name: string }; steps: Step[] }
interface Line { seq: number; hostName: string | null; stream: string; text: string }

const ACTIVE = ["queued", "running"];
const TONE: Record<string, "slate" | "green" | "red" | "amber" | "blue"> = {
  pending: "slate", running: "blue", done: "green", skipped: "slate", failed: "red", interrupted: "amber", cancelled: "amber",
  queued: "slate", succeeded: "green",
};

const STOPS = [
  { mode: "after-step", variant: "secondary", label: "Stop after this step",
    question: "Stop this run after the steps in progress? They finish (a node's join as a whole); nothing new starts. Retry continues from there." },
  { mode: "now", variant: "danger", label: "Abort now",
    question: "Abort now? The commands running on the hosts are killed mid-way (an apt install may be left for dpkg to repair; Warren repairs it before installing again). Use this for a hung step." },
] as const;

const secs = (a: string | null, b: string | null) => (a ? `${(((b ? Date.parse(b) : Date.now()) - Date.parse(a)) / 1000).toFixed(1)} s` : "");

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
      const r = await getJson<{ lines: Line[]; next: number }>(`/api/v1/runs/${runId}/log?after=${after.current}`);
      if (r.lines.length) { after.current = r.next; setLines((l) => [...l, ...r.lines]); }
      return r.next;
    },
    refetchInterval: active ? 1000 : 5000,
  });
  // The run's last lines land just before its status changes: read them at once, not at the next slow poll.
  const status = run.data?.status;
  const refetchLog = log.refetch;
  useEffect(() => { if (status) void refetchLog(); }, [status, refetchLog]);
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => { logRef.current?.scrollTo(0, logRef.current.scrollHeight); }, [lines.length]);

  if (run.isError) return <p role="alert">Cannot load the run ({String(run.error)}).</p>;
  if (!run.data) return <p>Loading…</p>;
  const r = run.data;
  const failed = r.steps.find((s) => s.status === "failed" || s.status === "interrupted");
  const phases = [...new Set(r.steps.map((s) => s.phase))];
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">{r.type} of <Link className="text-orange-700 underline" href={`/clusters/${r.clusterId}`}>{r.cluster.name}</Link></h1>
        <span data-testid="run-status"><Badge tone={TONE[r.status]}>{r.status}</Badge></span>
        <span className="text-sm text-slate-500">by {r.createdBy}, {secs(r.startedAt, r.finishedAt)}</span>
        {canOperate && ACTIVE.includes(r.status) && STOPS.map((x) => (
          <Button key={x.mode} variant={x.variant} disabled={pending} onClick={() => {
            if (!confirm(x.question)) return;
            start(async () => setMsg((await cancel(runId, x.mode)).message ?? null));
          }}>{x.label}</Button>
        ))}
        {canOperate && ["failed", "interrupted", "cancelled"].includes(r.status) && <Button disabled={pending} onClick={() => start(async () => { setMsg((await retry(runId)).message ?? null); await run.refetch(); })}>
          {r.status === "interrupted" ? "Resume" : r.status === "cancelled" ? "Continue from where it stopped" : "Retry from the failed step"}</Button>}
        {msg && <span role="status" className="text-sm">{msg}</span>}
      </div>
      {r.error && <p role="alert" className="text-sm text-red-700">{r.error}</p>}
      {failed && (
        <div data-testid="failed-step" className="rounded border border-red-300 bg-red-50 p-3 text-sm">
          <p className="font-semibold text-red-800">{failed.status === "interrupted" ? "Interrupted" : "Failed"} on {failed.hostName}: {failed.title}</p>
          <p className="mono text-xs">$ {failed.command}</p>
          {failed.exitCode !== null && <p>exit code {failed.exitCode}</p>}
          {failed.note && <p>{failed.note}</p>}
          {failed.stderrTail && <pre className="mono mt-1 max-h-48 overflow-auto whitespace-pre-wrap text-xs">{failed.stderrTail}</pre>}
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="flex flex-col gap-3">
          {phases.map((ph) => (
            <table key={ph} className="w-full text-left text-xs" aria-label={`phase ${ph + 1}`}>
              <tbody>{r.steps.filter((s) => s.phase === ph).map((s) => (
                <tr key={s.idx} className="border-t border-slate-100" data-testid={`step-${s.key}`} data-status={s.status}>
                  <td className="w-16 py-1">{s.hostName}</td>
                  <td title={s.command}>{s.title}{s.destructive && <> <Badge tone="red">destructive</Badge></>}</td>
                  <td className="w-24"><Badge tone={TONE[s.status] ?? "slate"}>{s.status}</Badge></td>
                  <td className="w-16 text-right text-slate-500">{secs(s.startedAt, s.finishedAt)}</td>
                </tr>
              ))}</tbody>
            </table>
          ))}
        </div>
        <pre ref={logRef} data-testid="run-log" aria-live="off" className="mono h-[32rem] overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
          {lines.map((l) => <div key={l.seq} className={l.stream === "stderr" ? "text-amber-300" : l.stream === "info" ? "text-sky-300" : ""}>{l.hostName ? `[${l.hostName}] ` : ""}{l.text}</div>)}
        </pre>
      </div>
    </div>
  );
}
