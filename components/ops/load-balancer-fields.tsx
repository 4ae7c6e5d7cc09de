"use client";
import { useState, useTransition } from "react";
import { lbPreflight } from "@/lib/actions/operations";
import type { LbPreflight } from "@/lib/ops/preflight";
import { CHECK_DEFAULTS, markedDownWithinMs } from "@/lib/haproxy/checks";
import { Badge, Button, Field, Input, Select, scrollable } from "@/components/ui";

/** The load-balancer options as the form holds them (numbers as numbers, empty = default). */
export interface LbValues {
  vip: string; prefix: number; interface: string; routerId: number; master: string;
  vrrpVersion: 2 | 3; advertInt: number; unicast: boolean; preemption: "never" | "delayed" | "immediate"; preemptDelay: number;
  frontendPort: number; balance: "roundrobin" | "leastconn"; checkInterMs: number; checkFall: number; checkRise: number;
  shutdownSessions: boolean; timeoutHours: number; statsPort: number; statsUri: string; statsUser: string; managementPort: number;
  /** Empty: the newest the hosts offer. */
  haproxyVersion: string;
}

export function lbDefaults(loadBalancers: string[], colocated: boolean, saved?: Record<string, unknown> | null): LbValues {
  const s = (saved ?? {}) as Partial<LbValues & { timeoutSeconds: number }>;
  return {
    vip: s.vip ?? "", prefix: s.prefix ?? 24, interface: s.interface ?? "eth0", routerId: s.routerId ?? 51, master: s.master ?? loadBalancers[0] ?? "",
    vrrpVersion: s.vrrpVersion ?? 3, advertInt: s.advertInt ?? 0.2, unicast: s.unicast ?? false, preemption: s.preemption ?? "never", preemptDelay: s.preemptDelay ?? 60,
    frontendPort: s.frontendPort ?? (colocated ? 5670 : 5672), balance: s.balance ?? "roundrobin", checkInterMs: s.checkInterMs ?? CHECK_DEFAULTS.checkInterMs, checkFall: s.checkFall ?? CHECK_DEFAULTS.checkFall, checkRise: s.checkRise ?? CHECK_DEFAULTS.checkRise,
    shutdownSessions: s.shutdownSessions ?? true, timeoutHours: s.timeoutSeconds ? s.timeoutSeconds / 3600 : 3, statsPort: s.statsPort ?? 8404, statsUri: s.statsUri ?? "/stats",
    statsUser: s.statsUser ?? "warren", managementPort: s.managementPort ?? 0, haproxyVersion: s.haproxyVersion ?? "",
  };
}

/** What the API takes (lib/ops/operations/load-balancers.ts LoadBalancerOptions). */
export function lbParams(v: LbValues) {
  const { timeoutHours, haproxyVersion, ...rest } = v;
  return { ...rest, timeoutSeconds: Math.round(timeoutHours * 3600), ...(haproxyVersion ? { haproxyVersion } : {}) };
}

const LEVEL_TONE = { ok: "green", info: "blue", warn: "amber", fail: "red" } as const;

export function LoadBalancerFields({ clusterId, loadBalancers, value, onChange, idPrefix = "lb" }: { clusterId: string; loadBalancers: string[]; value: LbValues; onChange: (v: LbValues) => void; idPrefix?: string }) {
  const [report, setReport] = useState<LbPreflight | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const set = <K extends keyof LbValues>(k: K, x: LbValues[K]) => onChange({ ...value, [k]: x });
  const num = (k: keyof LbValues) => (e: { target: { value: string } }) => set(k, Number(e.target.value) as never);
  const id = (k: string) => `${idPrefix}-${k}`;
  const detect = () => start(async () => {
    setError(null);
    const ask = (routerId: number) => lbPreflight(clusterId, { vip: value.vip || undefined, prefix: value.prefix, interface: value.interface, routerId, frontendPort: value.frontendPort, statsPort: value.statsPort });
    let r = await ask(value.routerId);
    if (!r.ok) { setError(r.message); return; }
    let next = value;
    // The router id is taken by another VRRP group on this network: take a free one, and check again with it.
    if (r.report.usedRouterIds.includes(value.routerId)) {
      const free = r.report.suggestedRouterId;
      const again = await ask(free);
      if (again.ok) { r = again; next = { ...next, routerId: free }; }
    }
    setReport(r.report);
    const ifs = r.report.interfaces.map((i) => i.name);
    if (ifs.length && !ifs.includes(value.interface)) next = { ...next, interface: ifs[0] };
    if (next !== value) onChange(next);
  });
  return (
    <div className="flex min-w-0 flex-col gap-3">
      <p className="text-sm text-muted">HAProxy on {loadBalancers.join(" and ")} spreads clients over the nodes; Keepalived keeps one virtual IP on exactly one of them, so clients use one address that survives the loss of any one machine.</p>
      <div className="grid min-w-0 gap-3 md:grid-cols-3">
        <Field label="Virtual IP (VIP)" htmlFor={id("vip")} hint="A free address on the load balancers' network; clients connect here."><Input id={id("vip")} value={value.vip} placeholder="10.0.0.100" onChange={(e) => set("vip", e.target.value.trim())} /></Field>
        <Field label="Prefix length" htmlFor={id("prefix")}><Input id={id("prefix")} type="number" min={8} max={32} value={value.prefix} onChange={num("prefix")} /></Field>
        <Field label="Interface" htmlFor={id("interface")} hint={report ? `Every load balancer has: ${report.interfaces.map((i) => `${i.name} (${i.networks.join(", ")})`).join("; ") || "no common interface"}` : "Detect it on the hosts, or type its name."}>
          {report && report.interfaces.length ? (
            <Select id={id("interface")} value={value.interface} onChange={(e) => set("interface", e.target.value)}>{report.interfaces.map((i) => <option key={i.name} value={i.name}>{i.name} — {i.networks.join(", ")}</option>)}</Select>
          ) : <Input id={id("interface")} value={value.interface} onChange={(e) => set("interface", e.target.value.trim())} />}
        </Field>
        <Field label="HAProxy version" htmlFor={id("haproxyVersion")} hint={report ? "Offered by every load balancer's package source." : "Detect lists what the hosts offer."}>
          <Select id={id("haproxyVersion")} value={value.haproxyVersion} onChange={(e) => set("haproxyVersion", e.target.value)}>
            <option value="">Newest the hosts offer</option>
            {[...new Set([...(report?.haproxyVersions ?? []), ...(value.haproxyVersion ? [value.haproxyVersion] : [])])].map((v) => <option key={v} value={v}>{v}</option>)}
          </Select>
        </Field>
        <Field label="VRRP router id" htmlFor={id("routerId")} hint={report ? (report.usedRouterIds.length ? `Heard on the network: ${report.usedRouterIds.join(", ")}; free: ${report.suggestedRouterId}` : `No other VRRP router heard; ${report.suggestedRouterId} is free`) : "1–255, unique on this network."}>
          <Input id={id("routerId")} type="number" min={1} max={255} value={value.routerId} onChange={num("routerId")} />
        </Field>
        <Field label="Preferred VIP holder" htmlFor={id("master")} hint="Highest priority; the others back it up.">
          <Select id={id("master")} value={value.master} onChange={(e) => set("master", e.target.value)}>{loadBalancers.map((n) => <option key={n}>{n}</option>)}</Select>
        </Field>
        <Field label="AMQP port on the VIP" htmlFor={id("frontendPort")} hint="Where clients connect; 5672 is RabbitMQ's own on co-located load balancers."><Input id={id("frontendPort")} type="number" min={1} max={65535} value={value.frontendPort} onChange={num("frontendPort")} /></Field>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" type="button" busy={pending} onClick={detect}>Detect interfaces and VRRP router ids</Button>
        {pending && <span role="status" className="text-sm text-muted">Listening for VRRP adverts on the load balancers (3 s)…</span>}
        {error && <span role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</span>}
      </div>
      {report && (
        <div className="overflow-x-auto" {...scrollable("Load balancer pre-flight table")}>
          <table className="w-full text-left text-sm" aria-label="Load balancer pre-flight">
            <thead className="text-muted"><tr><th>Host</th><th>Check</th><th>Result</th><th>Details</th></tr></thead>
            <tbody>{report.findings.map((f, i) => (
              <tr key={i} className="border-t border-line align-top"><td className="py-1 pr-2">{f.host}</td><td className="pr-2">{f.check}</td><td className="pr-2"><Badge tone={LEVEL_TONE[f.level]}>{f.level}</Badge></td>
                <td className="break-words">{f.message}{f.fix && <div className="text-xs text-muted">Fix: {f.fix}</div>}</td></tr>
            ))}</tbody>
          </table>
        </div>
      )}
      <details className="min-w-0 rounded-md border border-line p-3">
        <summary className="cursor-pointer text-sm font-medium">Failover and health-check details</summary>
        <div className="mt-3 grid min-w-0 gap-3 md:grid-cols-3">
          <Field label="VRRP version" htmlFor={id("vrrpVersion")} hint="VRRPv3 allows sub-second adverts; VRRPv2 (whole seconds) supports a password.">
            <Select id={id("vrrpVersion")} value={value.vrrpVersion} onChange={(e) => { const v = Number(e.target.value) as 2 | 3; onChange({ ...value, vrrpVersion: v, advertInt: v === 2 ? Math.max(1, Math.round(value.advertInt)) : value.advertInt }); }}>
              <option value={3}>3 (sub-second failover)</option><option value={2}>2 (with a generated password)</option>
            </Select>
          </Field>
          <Field label="Advert interval (s)" htmlFor={id("advertInt")} hint={`A silent master is replaced after about 3 × this (${(3 * value.advertInt).toFixed(2)} s). Shorter means faster failover, but more packets and, on a starved host, a failover nobody needed.`}>
            <Input id={id("advertInt")} type="number" step={value.vrrpVersion === 3 ? 0.05 : 1} min={value.vrrpVersion === 3 ? 0.05 : 1} value={value.advertInt} onChange={num("advertInt")} />
          </Field>
          <Field label="When the preferred holder comes back" htmlFor={id("preemption")} hint="Every move of the VIP breaks the clients' connections once more; 'stay' avoids the second break.">
            <Select id={id("preemption")} value={value.preemption} onChange={(e) => set("preemption", e.target.value as LbValues["preemption"])}>
              <option value="never">The VIP stays where it is (no preemption)</option>
              <option value="delayed">It takes the VIP back after a delay</option>
              <option value="immediate">It takes the VIP back at once</option>
            </Select>
          </Field>
          {value.preemption === "delayed" && <Field label="Delay (s)" htmlFor={id("preemptDelay")}><Input id={id("preemptDelay")} type="number" min={1} max={1000} value={value.preemptDelay} onChange={num("preemptDelay")} /></Field>}
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={value.unicast} onChange={(e) => set("unicast", e.target.checked)} /> Unicast adverts (where multicast is not allowed, e.g. most clouds)</label>
          <Field label="Balance" htmlFor={id("balance")} hint="leastconn suits long-lived AMQP connections after a node comes back.">
            <Select id={id("balance")} value={value.balance} onChange={(e) => set("balance", e.target.value as LbValues["balance"])}><option value="roundrobin">roundrobin</option><option value="leastconn">leastconn</option></Select>
          </Field>
          <Field label="Node check every (ms)" htmlFor={id("checkInterMs")} hint={`Each check waits for the broker's AMQP greeting, so a hung node is caught too: it leaves the rotation within ${(markedDownWithinMs(value) / 1000).toFixed(1)} s (the seeds' TCP check: a dead node after about 15 s, a hung one never). Faster checks cost a connection per check to each node.`}>
            <Input id={id("checkInterMs")} type="number" min={100} step={100} value={value.checkInterMs} onChange={num("checkInterMs")} />
          </Field>
          <Field label="Failed checks to mark down" htmlFor={id("checkFall")}><Input id={id("checkFall")} type="number" min={1} max={10} value={value.checkFall} onChange={num("checkFall")} /></Field>
          <Field label="Good checks to mark up" htmlFor={id("checkRise")}><Input id={id("checkRise")} type="number" min={1} max={10} value={value.checkRise} onChange={num("checkRise")} /></Field>
          <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={value.shutdownSessions} onChange={(e) => set("shutdownSessions", e.target.checked)} /> Cut clients off a node marked down at once (else they hang until their heartbeat fails)</label>
          <Field label="Idle connection timeout (hours)" htmlFor={id("timeoutHours")} hint="Idle AMQP consumers must outlive it: keep it far above the clients' heartbeat (60 s by default); seed 002 lost consumers to a 1-minute timeout.">
            <Input id={id("timeoutHours")} type="number" min={0.02} step={0.5} value={value.timeoutHours} onChange={num("timeoutHours")} />
          </Field>
          <Field label="Stats page port" htmlFor={id("statsPort")} hint="Password generated and stored encrypted; admins can reveal it."><Input id={id("statsPort")} type="number" min={1} max={65535} value={value.statsPort} onChange={num("statsPort")} /></Field>
          <Field label="Stats page path" htmlFor={id("statsUri")}><Input id={id("statsUri")} value={value.statsUri} onChange={(e) => set("statsUri", e.target.value)} /></Field>
          <Field label="Stats user" htmlFor={id("statsUser")}><Input id={id("statsUser")} value={value.statsUser} onChange={(e) => set("statsUser", e.target.value)} /></Field>
          <Field label="Management UI port (0 = not proxied)" htmlFor={id("managementPort")} hint="Proxies the nodes' management UI (15672) through the VIP, as seed 000 does."><Input id={id("managementPort")} type="number" min={0} max={65535} value={value.managementPort} onChange={num("managementPort")} /></Field>
        </div>
      </details>
    </div>
  );
}
