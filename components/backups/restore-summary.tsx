import type { RestoreSummary, Section } from "@/lib/backups/restore";
import type { Kind } from "@/lib/backups/definitions";
import { Notice } from "@/components/ui";

// Kind names without lib/backups/definitions' zod import (this renders in the browser too).
const KIND: Record<Kind, [string, string]> = {
  users: ["user", "users"], vhosts: ["virtual host", "virtual hosts"], permissions: ["permission", "permissions"], topic_permissions: ["topic permission", "topic permissions"],
  policies: ["policy", "policies"], operator_policies: ["operator policy", "operator policies"], parameters: ["parameter", "parameters"], global_parameters: ["global parameter", "global parameters"],
  exchanges: ["exchange", "exchanges"], queues: ["queue", "queues"], bindings: ["binding", "bindings"],
};
export const kindWords = (k: Kind, n: number) => `${n} ${KIND[k][n === 1 ? 0 : 1]}`;
export const byKindLine = (byKind: Partial<Record<Kind, number>>) => Object.entries(byKind).map(([k, n]) => kindWords(k as Kind, n!)).join(", ");

function Part({ title, s, testid, note }: { title: string; s: Section; testid: string; note?: string }) {
  return (
    <li data-testid={testid} data-count={s.total} className="min-w-0">
      <details>
        <summary className="cursor-pointer">
          <b>{title}: {s.total}</b>{s.total > 0 && <span className="text-muted"> — {byKindLine(s.byKind)}</span>}
        </summary>
        {note && <p className="mt-1 text-xs text-muted">{note}</p>}
        {s.total > 0 && (
          <ul className="mt-1 max-h-64 list-disc overflow-y-auto break-words pl-5 text-xs" aria-label={title}>
            {s.items.map((i) => <li key={`${i.kind}:${i.label}`}>{KIND[i.kind][0]} <span className="mono">{i.label}</span>{i.fields ? <span className="text-muted"> ({i.fields.join(", ")})</span> : null}</li>)}
            {s.more > 0 && <li className="list-none text-muted">and {s.more} more (the API's diff lists them all)</li>}
          </ul>
        )}
      </details>
    </li>
  );
}

/** A restore plan's account, against the cluster's live definitions: created, changed, kept, deleted, translated. */
export function RestoreSummaryView({ r }: { r: RestoreSummary }) {
  return (
    <section aria-label="What the restore does" className="flex min-w-0 flex-col gap-2 text-sm" data-testid="restore-summary">
      <p>
        Backup <span className="mono">{r.backup.id}</span> of <b>{r.backup.cluster}</b> (RabbitMQ {r.backup.rabbitmqVersion ?? "?"}), against the live definitions read from {r.target.readFrom} (RabbitMQ {r.target.rabbitmqVersion ?? "?"}):
      </p>
      <ul className="flex flex-col gap-1">
        <Part title="Created" testid="restore-create" s={r.create} />
        <Part title="Changed to the backup's" testid="restore-update" s={r.update} />
        <Part title="Left as they are" testid="restore-keep" s={r.keepChanged} note="RabbitMQ's import does not change an existing queue or exchange, nor a virtual host's default queue type: these differ from the backup in the fields named and stay so." />
        {r.deleteExtra && <Part title="Deleted and declared again (their messages are lost)" testid="restore-recreate" s={r.recreate} />}
        <Part title={r.deleteExtra ? "Deleted: on the cluster, not in the backup" : "Kept: on the cluster, not in the backup"} testid="restore-extra" s={r.extra}
          note={r.deleteExtra ? undefined : "Tick \"delete what the backup does not have\" to delete them (destructive)."} />
        {r.cannotDelete.total > 0 && <Part title="Kept: exchanges and bindings rabbitmqctl cannot delete (no management plugin)" testid="restore-cannot-delete" s={r.cannotDelete} />}
        {r.protected.total > 0 && <Part title="Never deleted" testid="restore-protected" s={r.protected} note="Warren's own management user and its permissions, the cluster's name and internal id, and the default virtual host." />}
      </ul>
      {r.findings.length > 0 && (
        <Notice tone="amber" title="What the backup has that cannot be imported as it is, and what the restore does instead">
          <ul className="mt-1 flex flex-col gap-2" aria-label="Translations">
            {r.findings.map((f) => (
              <li key={f.id} data-testid={`finding-${f.id}`}>
                <b>{f.title}</b> ({f.items.length + f.more}): {f.instead}.
                <ul className="mt-1 max-h-40 list-disc overflow-y-auto break-words pl-5 text-xs">
                  {f.items.map((i) => <li key={i.label}><span className="mono">{i.label}</span>{i.detail ? <span className="text-muted"> — {i.detail}</span> : null}</li>)}
                  {f.more > 0 && <li className="list-none text-muted">and {f.more} more</li>}
                </ul>
              </li>
            ))}
          </ul>
        </Notice>
      )}
    </section>
  );
}
