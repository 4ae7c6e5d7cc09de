import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listClusters } from "@/lib/inventory/clusters";
import { listChannels, listDeliveries, listRoutes } from "@/lib/alerts/service";
import { Badge, Card, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { DeliveryLog } from "@/components/alerts/delivery-log";
import { AutoRefresh } from "@/components/alerts/auto-refresh";
import { ChannelForm, DeleteChannelButton, DeleteRouteButton, RouteForm, TestChannelButton } from "@/components/alerts/channels";

const KIND: Record<string, string> = { webhook: "webhook", slack: "Slack-compatible", email: "email" };

export default async function ChannelsPage() {
  const me = await requirePageUser();
  const admin = roleAllows(me.role, "admin");
  const [channels, routes, clusters] = await Promise.all([listChannels(), listRoutes(), listClusters()]);
  const logs = await Promise.all(channels.map((c) => listDeliveries({ channelId: c.id, take: 20 })));
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <AutoRefresh seconds={5} />
      <Card title={`Channels (${channels.length})`} actions={<Link className="text-sm text-accent underline" href="/alerts">Incidents</Link>}>
        <p className="mb-3 text-sm text-muted">Where notifications go. Each is written to an outbox first and sent from there: a receiver that is down gets it when it is back (Warren retries for an hour), and a restart of Warren loses nothing. {admin ? "" : "Admins manage channels and routes."}</p>
        {channels.length === 0 ? <p className="text-sm text-muted">No channel yet{admin ? ": add one below." : "."}</p> : (
          <ul className="flex flex-col gap-4">
            {channels.map((c, n) => (
              <li key={c.id} className="min-w-0 border-t border-line pt-3" data-testid={`channel-${c.name}`}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-semibold">{c.name}</span><Badge tone="blue">{KIND[c.type]}</Badge>
                  <span className="mono min-w-0 break-all text-xs text-muted">{c.target}</span>
                  <span className="text-xs text-muted">added by {c.createdBy}, <Time date={c.createdAt} /></span>
                </div>
                {admin && <div className="mt-2 flex flex-wrap items-center gap-2"><TestChannelButton id={c.id} name={c.name} /><DeleteChannelButton id={c.id} name={c.name} /></div>}
                <details className="mt-2" open={n === 0 || undefined}>
                  <summary className="cursor-pointer text-sm text-accent">Delivery log ({logs[n].length} latest)</summary>
                  <div className="mt-2"><DeliveryLog deliveries={logs[n]} label={`Delivery log of ${c.name}`} /></div>
                </details>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={`Routes (${routes.length})`}>
        <p className="mb-2 text-sm text-muted">Which incidents page which channel. An incident pages each matching channel once when it fires, again when another member pages or it turns critical, every repeat interval while it lasts, and once when it is resolved.</p>
        {routes.length === 0 ? <p className="text-sm text-muted">No route: incidents are recorded and shown, but nobody is paged.</p> : (
          <div className="overflow-x-auto" {...scrollable("Routes table")}>
            <table className="w-full text-left text-sm" aria-label="Routes">
              <thead className="text-muted"><tr><th className="py-1 pr-2 font-normal">Incidents of</th><th className="pr-2 font-normal">Severity</th><th className="pr-2 font-normal">Channel</th><th className="pr-2 font-normal">Repeat</th><th /></tr></thead>
              <tbody>{routes.map((r) => {
                const what = `${r.cluster ?? "every cluster"} to ${r.channel}`;
                return (
                  <tr key={r.id} className="border-t border-line" data-testid={`route-${r.id}`}>
                    <td className="py-1.5 pr-2">{r.cluster ?? "every cluster"}</td>
                    <td className="pr-2">{r.minSeverity === "critical" ? "critical only" : "warning and critical"}</td>
                    <td className="pr-2">{r.channel}</td>
                    <td className="pr-2">{r.repeatMinutes ? `every ${r.repeatMinutes} min` : "never"}</td>
                    <td className="text-right">{admin && <DeleteRouteButton id={r.id} what={what} />}</td>
                  </tr>
                );
              })}</tbody>
            </table>
          </div>
        )}
        {admin && channels.length > 0 && <div className="mt-4 border-t border-line pt-3"><h3 className="mb-2 text-sm font-semibold">New route</h3><RouteForm channels={channels.map((c) => ({ id: c.id, name: c.name }))} clusters={clusters.map((c) => ({ id: c.id, name: c.name }))} /></div>}
      </Card>
      {admin && <Card title="Add a channel"><ChannelForm /></Card>}
    </div>
  );
}
