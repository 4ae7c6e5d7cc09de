import { Badge, type Tone } from "@/components/ui";

const STATUS: Record<string, { tone: Tone; label: string }> = {
  firing: { tone: "red", label: "firing" }, held: { tone: "blue", label: "held: Warren's own work" }, silenced: { tone: "slate", label: "silenced" }, resolved: { tone: "green", label: "resolved" },
};
export function IncidentStatus({ status, severity }: { status: string; severity: string }) {
  const s = STATUS[status] ?? { tone: "slate" as Tone, label: status };
  return <Badge tone={status === "firing" && severity === "warning" ? "amber" : s.tone}>{s.label}</Badge>;
}

export function SeverityBadge({ severity }: { severity: string }) {
  return <Badge tone={severity === "critical" ? "red" : severity === "warning" ? "amber" : "slate"}>{severity}</Badge>;
}

const DELIVERY: Record<string, Tone> = { pending: "amber", sending: "blue", sent: "green", failed: "red" };
export function DeliveryStatus({ status }: { status: string }) {
  return <Badge tone={DELIVERY[status] ?? "slate"}>{status}</Badge>;
}
