"use client";
import { useQuery } from "@tanstack/react-query";
import type { MigrationProgress } from "@/lib/migration/service";
import { scrollable } from "@/components/ui";

const n = (v: number | null) => (v === null ? "—" : v.toLocaleString("en"));

/**
 * A migration run's progress, read from both clusters every few seconds while
 * the run is active (once when it is not): per queue, what is left on the
 * side being left and what the other holds; the clients on each side.
 */
export function MigrationProgressView({ runId, active }: { runId: string; active: boolean }) {
  const q = useQuery({
    queryKey: ["migration-progress", runId],
    queryFn: async () => {
      const r = await fetch(`/api/v1/runs/${runId}/migration`, { headers: { accept: "application/json" } });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return ((await r.json()) as { progress: MigrationProgress }).progress;
    },
    refetchInterval: active ? 3000 : false,
  });
  const p = q.data;
  return (
    <section aria-label="Migration progress" className="flex min-w-0 flex-col gap-2 rounded-md border border-line p-3" data-testid="migration-progress">
      <h2 className="text-sm font-semibold">Messages and clients</h2>
      {q.isError && !p && <p role="alert" className="text-sm text-red-700 dark:text-red-400">Cannot read the clusters now ({String(q.error)}).</p>}
      {!p && !q.isError && <p role="status" className="text-sm text-muted">Reading both clusters…</p>}
      {p && (
        <>
          <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-3">
            <div><dt className="text-muted">Left on <span className="mono">{p.from.name}</span></dt><dd data-testid="migration-left" className="text-lg font-semibold">{p.left ? `${n(p.left.messages)} in ${p.left.queues} queue${p.left.queues === 1 ? "" : "s"}` : "no figure"}</dd></div>
            <div><dt className="text-muted">Clients on <span className="mono">{p.from.name}</span></dt><dd data-testid="migration-clients-from" className="text-lg font-semibold">{n(p.from.clients)}</dd></div>
            <div><dt className="text-muted">Clients on <span className="mono">{p.to.name}</span></dt><dd data-testid="migration-clients-to" className="text-lg font-semibold">{n(p.to.clients)}</dd></div>
          </dl>
          <div className="max-h-72 overflow-auto" {...scrollable("Queues being moved")}>
            <table className="w-full min-w-[28rem] text-left text-xs">
              <thead className="text-muted"><tr><th className="py-1 pr-2">Queue</th><th className="pr-2">Virtual host</th><th className="pr-2 text-right">Left on {p.from.name}</th><th className="pr-2 text-right">On {p.to.name}</th><th className="pr-2">Type there</th></tr></thead>
              <tbody>
                {p.queues.map((row) => (
                  <tr key={`${row.vhost}\u0000${row.name}`} className="border-t border-line">
                    <td className="mono break-all py-1 pr-2">{row.name}</td><td className="mono pr-2">{row.vhost}</td>
                    <td className="pr-2 text-right tabular-nums">{n(row.leftOnBlue)}</td><td className="pr-2 text-right tabular-nums">{n(row.onGreen)}</td><td className="pr-2">{row.greenType ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="text-xs text-muted">Read {new Date(p.readAt).toLocaleTimeString("en-GB")} from both clusters&apos; management APIs; the fullest queues first. Clients: every AMQP connection but the shovels&apos;.</p>
        </>
      )}
    </section>
  );
}
