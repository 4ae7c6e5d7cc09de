import type { DiffResult } from "@/lib/backups/service";
import type { Kind, ObjectRef } from "@/lib/backups/definitions";
import { Badge, Card, Notice, Select, scrollable } from "@/components/ui";
import { kindWords } from "./restore-summary";

type Serialised = Omit<DiffResult, "from" | "to"> & { from: { backup: { id: string; createdAt: string; createdBy: string; clusterName: string; rabbitmqVersion: string | null } }; to: DiffResult["to"] & { backup?: { id: string; createdAt: string; createdBy: string; clusterName: string; rabbitmqVersion: string | null } } };

const KIND_ORDER: Kind[] = ["users", "vhosts", "permissions", "topic_permissions", "policies", "operator_policies", "parameters", "global_parameters", "exchanges", "queues", "bindings"];
const show = (v: unknown) => { const t = v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v); return t.length > 200 ? `${t.slice(0, 199)}…` : t; };
const when = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

/** The form choosing what to compare: a plain GET, so the page works (and links) without JavaScript. */
export function DiffChooser({ clusterId, choices, from, to, prepared, canLive }: { clusterId: string; choices: { id: string; label: string; cluster: string; own: boolean }[]; from: string; to: string; prepared: boolean; canLive: boolean }) {
  const groups = [...new Set(choices.map((c) => c.cluster))];
  const options = (extra?: React.ReactNode) => (
    <>
      {extra}
      {groups.map((g) => <optgroup key={g} label={`Cluster ${g}`}>{choices.filter((c) => c.cluster === g).map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}</optgroup>)}
    </>
  );
  return (
    <form method="get" action={`/clusters/${clusterId}/backups/diff`} className="flex min-w-0 flex-col gap-3 text-sm" aria-label="What to compare">
      <div className="grid min-w-0 gap-3 md:grid-cols-2">
        <label className="flex min-w-0 flex-col gap-1"><span className="font-medium">From (a backup)</span>
          <Select name="from" defaultValue={from}>{options()}</Select></label>
        <label className="flex min-w-0 flex-col gap-1"><span className="font-medium">To</span>
          <Select name="to" defaultValue={to}>{options(canLive ? <option value="live">the live cluster (read now)</option> : null)}</Select></label>
      </div>
      {canLive && <label className="flex items-start gap-2"><input type="checkbox" name="prepared" value="1" defaultChecked={prepared} className="mt-1" /> <span>Against the live cluster, compare the backup as a restore would import it (translated for its version; Warren&apos;s own user and the cluster&apos;s name left out)</span></label>}
      <div><button type="submit" className="rounded-md border border-line-strong bg-surface px-3 py-1.5 font-medium shadow-sm hover:bg-surface-2">Compare</button></div>
    </form>
  );
}

function Refs({ title, refs, testid }: { title: string; refs: ObjectRef[]; testid: string }) {
  if (!refs.length) return null;
  return (
    <section aria-label={title} data-testid={testid} className="min-w-0">
      <h3 className="text-sm font-semibold">{title} ({refs.length})</h3>
      <div className="mt-1 max-h-96 overflow-y-auto" {...scrollable(`${title} list`)}>
        <ul className="list-disc break-words pl-5 text-xs">
          {refs.map((r) => <li key={`${r.kind}:${r.key}`}>{kindWords(r.kind, 1).replace(/^1 /, "")} <span className="mono">{r.label}</span></li>)}
        </ul>
      </div>
    </section>
  );
}

/** A diff as people read it: totals per kind, then what was added, removed and changed, field by field. */
export function DiffView({ r }: { r: Serialised }) {
  const to = r.to.kind === "live"
    ? <>the live cluster <b>{r.to.cluster}</b> (read from {r.to.node}, {r.to.via}; RabbitMQ {r.to.rabbitmqVersion ?? "?"}){r.to.prepared ? ", the backup as a restore would import it" : ""}</>
    : <>backup <span className="mono">{r.to.backup!.id}</span> of {r.to.backup!.clusterName} ({when(r.to.backup!.createdAt)}, {r.to.backup!.createdBy})</>;
  const kinds = KIND_ORDER.filter((k) => r.counts[k].added || r.counts[k].removed || r.counts[k].changed);
  const empty = !r.total.added && !r.total.removed && !r.total.changed;
  return (
    <Card title="Differences">
      <div className="flex min-w-0 flex-col gap-3 text-sm">
        <p>From backup <span className="mono">{r.from.backup.id}</span> of {r.from.backup.clusterName} ({when(r.from.backup.createdAt)}, {r.from.backup.createdBy}) to {to}.</p>
        <p data-testid="diff-total" className="font-medium">{empty ? "No difference." : `${r.total.added} added, ${r.total.removed} removed, ${r.total.changed} changed.`}</p>
        {kinds.length > 0 && (
          <div className="overflow-x-auto" {...scrollable("Differences per kind")}>
            <table className="w-full text-left text-xs" aria-label="Differences per kind">
              <thead className="text-muted"><tr><th className="py-1 pr-2">Kind</th><th className="pr-2">Added</th><th className="pr-2">Removed</th><th>Changed</th></tr></thead>
              <tbody>{kinds.map((k) => <tr key={k} className="border-t border-line"><td className="py-1 pr-2">{kindWords(k, 2).replace(/^2 /, "")}</td><td>{r.counts[k].added}</td><td>{r.counts[k].removed}</td><td>{r.counts[k].changed}</td></tr>)}</tbody>
            </table>
          </div>
        )}
        <Refs title={r.to.kind === "live" ? "Added: on the cluster, not in the backup" : "Added"} refs={r.diff.added} testid="diff-added" />
        <Refs title={r.to.kind === "live" ? "Removed: in the backup, not on the cluster" : "Removed"} refs={r.diff.removed} testid="diff-removed" />
        {r.diff.changed.length > 0 && (
          <section aria-label="Changed" data-testid="diff-changed" className="min-w-0">
            <h3 className="text-sm font-semibold">Changed ({r.diff.changed.length})</h3>
            <div className="mt-1 max-h-[32rem] overflow-y-auto" {...scrollable("Changed list")}>
            <ul className="flex flex-col gap-1 break-words text-xs">
              {r.diff.changed.map((c) => (
                <li key={`${c.kind}:${c.key}`} className="min-w-0">
                  <Badge>{kindWords(c.kind, 1).replace(/^1 /, "")}</Badge> <span className="mono">{c.label}</span>
                  <ul className="list-disc pl-5">{c.fields.map((f) => <li key={f.field}><span className="mono">{f.field}</span>: <span className="mono">{show(f.before)}</span> → <span className="mono">{show(f.after)}</span></li>)}</ul>
                </li>
              ))}
            </ul>
            </div>
          </section>
        )}
        {r.findings.length > 0 && (
          <Notice tone="amber" title="What a restore onto this cluster translates or leaves out">
            <ul className="list-disc pl-5">{r.findings.map((f) => <li key={f.id}><b>{f.title}</b> ({f.items.length}): {f.instead}</li>)}</ul>
          </Notice>
        )}
      </div>
    </Card>
  );
}
