import type { LegacyFinding } from "@/lib/rabbitmq/legacy";

/** What this 3.x cluster must change before RabbitMQ 4.x, each with what breaks and what to do. */
export function LegacyNotice({ findings }: { findings: LegacyFinding[] }) {
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="legacy-4x">
      <p className="text-muted">This cluster uses features RabbitMQ 4.x no longer offers. It runs fine on 3.x; change these before upgrading to 4.0 (a rolling upgrade goes 3.11, 3.12, 3.13, then 4.0, and is refused otherwise).</p>
      <ul className="flex flex-col gap-2">
        {findings.map((f) => (
          <li key={f.id} data-testid={`legacy-${f.id}`} className="rounded-md border border-line p-3">
            <p className="font-medium">{f.what}</p>
            <p className="mt-1"><span className="font-medium">On 4.x:</span> {f.breaks}</p>
            <p className="mt-1"><span className="font-medium">What to do:</span> {f.todo}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
