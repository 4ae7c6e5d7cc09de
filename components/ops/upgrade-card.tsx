"use client";
import { useState, useTransition } from "react";
import { versionsOf } from "@/lib/actions/operations";
import type { HostVersions } from "@/lib/ops/service";
import { Badge, Button, Field, Notice, Select, scrollable } from "@/components/ui";
import { PlanView } from "./plan-view";
import { usePlan } from "./use-plan";

/** Versions every host of `hosts` offers for a package, newest first. */
function common(hosts: HostVersions[], pkg: string): string[] {
  const lists = hosts.filter((h) => !h.error).map((h) => h.offered[pkg] ?? []);
  if (!lists.length) return [];
  return lists[0].filter((v) => lists.every((l) => l.includes(v)));
}

/** A package's version, chosen among those every host of `hosts` offers. */
function VersionSelect({ id, label, hint, empty, hosts, pkg, value, onChange }: {
  id: string; label: string; hint: string; empty: string; hosts: HostVersions[]; pkg: string; value: string; onChange: (v: string) => void;
}) {
  return (
    <Field label={label} htmlFor={id} hint={hint}>
      <Select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{empty}</option>
        {common(hosts, pkg).map((v) => <option key={v} value={v}>{v}</option>)}
      </Select>
    </Field>
  );
}

/**
 * Rolling upgrades: read what every host runs and what its package source
 * offers, choose versions among those every host offers, see the plan (its
 * pre-checks refuse with every reason), start it.
 */
export function UpgradeCard({ clusterId, hasLoadBalancers }: { clusterId: string; hasLoadBalancers: boolean }) {
  const [hosts, setHosts] = useState<HostVersions[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [kind, setKind] = useState<"rolling-upgrade" | "haproxy-upgrade">("rolling-upgrade");
  const [erlang, setErlang] = useState("");
  const [rabbitmq, setRabbitmq] = useState("");
  const [haproxy, setHaproxy] = useState("");
  const [pause, setPause] = useState(false);
  // Irreversible: off unless the operator asks for it (the schema's default too).
  const [flags, setFlags] = useState(false);
  const params = () => (kind === "rolling-upgrade"
    ? { ...(erlang ? { erlangVersion: erlang } : {}), ...(rabbitmq ? { rabbitmqVersion: rabbitmq } : {}), pauseBetweenNodes: pause, enableFeatureFlags: flags }
    : { haproxyVersion: haproxy });
  const plan = usePlan(clusterId, kind, params);
  const change = <T,>(set: (v: T) => void) => (v: T) => { set(v); plan.reset(); };
  const nodes = (hosts ?? []).filter((h) => h.role !== "loadbalancer");
  const lbs = (hosts ?? []).filter((h) => h.role !== "node");

  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="upgrade-card">
      <p className="text-sm text-muted">One node (or load balancer) at a time while the cluster serves. Warren first reads what each host runs and what its package source offers.</p>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" busy={pending} onClick={() => start(async () => {
          setError(null);
          const r = await versionsOf(clusterId);
          if (r.ok) { setHosts(r.hosts); plan.reset(); } else setError(r.message);
        })}>{hosts ? "Read the versions again" : "Read the versions"}</Button>
        {pending && <span role="status" className="text-sm text-muted">Asking every host…</span>}
      </div>
      {error && <Notice tone="red">{error}</Notice>}
      {hosts && (
        <>
          <div className="overflow-x-auto" {...scrollable("Versions table")}>
            <table className="w-full text-left text-sm" aria-label="Versions per host">
              <thead className="text-muted"><tr><th className="py-1 font-normal">Host</th><th className="font-normal">RabbitMQ</th><th className="font-normal">Erlang</th><th className="font-normal">HAProxy</th></tr></thead>
              <tbody>{hosts.map((h) => (
                <tr key={h.host} className="border-t border-line" data-testid={`versions-${h.host}`}>
                  <td className="py-1">{h.host} {h.role !== "node" && <Badge tone="blue">{h.role === "both" ? "node + LB" : "LB"}</Badge>}</td>
                  {h.error ? <td colSpan={3} className="text-red-700 dark:text-red-400">{h.error}</td> : (
                    <>
                      <td className="mono text-xs">{h.installed["rabbitmq-server"] ?? "—"}</td>
                      <td className="mono text-xs">{h.installed["erlang-base"] ?? "—"}</td>
                      <td className="mono text-xs">{h.installed.haproxy ?? "—"}</td>
                    </>
                  )}
                </tr>
              ))}</tbody>
            </table>
          </div>
          <div className="flex flex-wrap gap-4 text-sm" role="radiogroup" aria-label="What to upgrade">
            <label className="flex items-center gap-2"><input type="radio" name="upgrade-kind" checked={kind === "rolling-upgrade"} onChange={() => change(setKind)("rolling-upgrade")} /> RabbitMQ nodes (Erlang, RabbitMQ)</label>
            {hasLoadBalancers && <label className="flex items-center gap-2"><input type="radio" name="upgrade-kind" checked={kind === "haproxy-upgrade"} onChange={() => change(setKind)("haproxy-upgrade")} /> Load balancers (HAProxy)</label>}
          </div>
          {kind === "rolling-upgrade" ? (
            <div className="grid min-w-0 gap-3 md:grid-cols-2">
              <VersionSelect id="up-erlang" label="Erlang version" hint="Offered by every node's package source. Empty: leave Erlang as it is." empty="unchanged" hosts={nodes} pkg="erlang-base" value={erlang} onChange={change(setErlang)} />
              <VersionSelect id="up-rabbitmq" label="RabbitMQ version" hint="Offered by every node's package source. Empty: leave RabbitMQ as it is." empty="unchanged" hosts={nodes} pkg="rabbitmq-server" value={rabbitmq} onChange={change(setRabbitmq)} />
              <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={pause} onChange={(e) => change(setPause)(e.target.checked)} /> Pause after each node until I press Continue</label>
              <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={flags} onChange={(e) => change(setFlags)(e.target.checked)} /> Enable every stable feature flag at the end (not reversible)</label>
            </div>
          ) : (
            <VersionSelect id="up-haproxy" label="HAProxy version" hint="Offered by every load balancer's package source." empty="choose" hosts={lbs} pkg="haproxy" value={haproxy} onChange={change(setHaproxy)} />
          )}
          <div><Button variant="secondary" busy={plan.busy === "plan"} onClick={plan.showPlan}>Show the plan and pre-checks</Button></div>
          {plan.error && <div role="alert" data-testid="upgrade-refused"><Notice tone="red" title="Refused"><p className="whitespace-pre-line">{plan.error}</p></Notice></div>}
          {plan.preview && <PlanView preview={plan.preview} startLabel={kind === "rolling-upgrade" ? "Start the rolling upgrade" : "Start the HAProxy upgrade"} busy={plan.busy === "start"} onStart={plan.startRun} />}
        </>
      )}
    </div>
  );
}
