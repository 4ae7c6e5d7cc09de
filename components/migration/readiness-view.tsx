import type { ReadinessReport } from "@/lib/migration/service";
import { Badge, Notice } from "@/components/ui";

/** A list capped by the server: the items, then how many more there are. */
function Items({ items, more, label }: { items: string[]; more: number; label: string }) {
  return (
    <ul className="mt-1 max-h-48 list-disc overflow-y-auto break-words pl-5 text-xs" aria-label={label}>
      {items.map((i) => <li key={i}><span className="mono">{i}</span></li>)}
      {more > 0 && <li className="list-none text-muted">and {more} more</li>}
    </ul>
  );
}

/** The order a migration takes (lib/ops/operations/migrate.ts), and what each step costs the clients. */
export const MIGRATION_ORDER: { step: string; costs: string }[] = [
  { step: "Back up blue's definitions; restore them onto green, translated for its version", costs: "nothing: green takes no clients yet" },
  { step: "Green's shovels start pulling what is in blue's queues, acknowledged on blue only once green has confirmed each message", costs: "nothing lost; consumers still on blue share their queues' messages with the shovels" },
  { step: "Each load balancer gets green's nodes beside blue's, in maintenance (one load balancer at a time, the VIP kept)", costs: "nothing: a reload keeps open connections" },
  { step: "The switch: on each load balancer green's nodes ready, then blue's to maintenance with their sessions closed; then every client connection still on blue is closed (those an earlier HAProxy reload left in its old process, and clients connected to a node directly)", costs: "one reconnect per client, through the same VIP and port, to green" },
  { step: "Wait until blue is drained: every queue's ready and unacknowledged messages 0 and no client left on blue, in three readings in a row; then green healthy on every node", costs: "nothing" },
  { step: "The shovels and their user are removed; the load balancers get green's nodes only", costs: "nothing" },
  { step: "The run pauses: stop blue (its data kept) only after a confirmation — until then \"Roll back\" moves the clients and what they published back to blue the same way", costs: "nothing: no client is on blue any more (a roll back: one reconnect per client)" },
];

export function ReadinessView({ r }: { r: ReadinessReport }) {
  return (
    <section aria-label="Readiness" className="flex min-w-0 flex-col gap-3 text-sm" data-testid="migration-readiness">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={r.ready ? "green" : "red"}>{r.ready ? "ready" : "not ready"}</Badge>
        <span>
          <b>{r.blue.name}</b> (RabbitMQ {r.blue.rabbitmqVersion ?? "?"}, read from {r.blue.readFrom}) → <b>{r.green.name}</b> (RabbitMQ {r.green.rabbitmqVersion ?? "?"}, read from {r.green.readFrom})
        </span>
      </p>
      {r.blockers.length > 0 && (
        <Notice tone="red" title="What stops the migration">
          <ul className="mt-1 flex flex-col gap-2" aria-label="Blockers">
            {r.blockers.map((b) => (
              <li key={b.id} data-testid={`blocker-${b.id}`}>{b.message}.{b.items.length > 0 && <Items items={b.items} more={b.more} label={`${b.id} items`} />}</li>
            ))}
          </ul>
        </Notice>
      )}
      {r.findings.length > 0 && (
        <Notice tone="amber" title={`What ${r.blue.name} has that ${r.green.name} cannot take as it is, and what the migration does instead`}>
          <ul className="mt-1 flex flex-col gap-2" aria-label="Translations">
            {r.findings.map((f) => (
              <li key={f.id} data-testid={`finding-${f.id}`}>
                <b>{f.title}</b> ({f.items.length + f.more}): {f.instead}.
                <Items items={f.items.map((i) => (i.detail ? `${i.label} — ${i.detail}` : i.label))} more={f.more} label={`${f.id} items`} />
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {r.notes.length > 0 && (
        <Notice title="Also to know">
          <ul className="mt-1 flex flex-col gap-2" aria-label="Notes">
            {r.notes.map((n) => <li key={n.id} data-testid={`note-${n.id}`}><b>{n.title}</b> ({n.items.length + n.more}): {n.instead}.<Items items={n.items} more={n.more} label={`${n.id} items`} /></li>)}
          </ul>
        </Notice>
      )}
      <details>
        <summary className="cursor-pointer"><b>Queues whose messages move: {r.moving.total}</b>
          {r.moving.total > 0 && <span className="text-muted"> — {Object.entries(r.moving.byType).map(([t, n]) => `${n} ${t}`).join(", ")}</span>}
        </summary>
        <Items items={r.moving.items.map((m) => `${m.name} on ${m.vhost} (${m.blueType} → ${m.greenType})`)} more={r.moving.more} label="Moving queues" />
      </details>
    </section>
  );
}
