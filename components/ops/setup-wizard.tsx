"use client";
import { useState } from "react";
import { preflight } from "@/lib/actions/operations";
import type { PreflightReport } from "@/lib/ops/preflight";
import type { PackageVersions } from "@/lib/hosts/facts";
import { Badge, Button, Field, Input, Notice, Select, scrollable } from "@/components/ui";
import { PlanView } from "./plan-view";
import { LoadBalancerFields, lbDefaults, lbParams } from "./load-balancer-fields";
import { usePlan } from "./use-plan";
import { KHEPRI_CONSEQUENCES, rulesFor, seriesOf } from "@/lib/rabbitmq/series";
import type { ClusterSpec } from "@/lib/inventory/spec";

type Ha = "all" | "exactly" | "quorum";
const LEVEL_TONE = { ok: "green", info: "blue", warn: "amber", fail: "red" } as const;

/** Options → pre-flight → plan → confirm → run. Each step can be revisited; nothing changes a host before "Start". */
export function SetupWizard({ clusterId, defaultName, nodeCount, ramNodes = [], loadBalancers, colocated, spec }: { clusterId: string; defaultName: string; nodeCount: number; ramNodes?: string[]; loadBalancers: string[]; colocated: boolean; spec?: ClusterSpec | null }) {
  // Run again, the wizard starts from the cluster's spec: what its hosts were last brought to.
  const was = spec?.rabbitmq;
  const [preflighting, setPreflighting] = useState(false);
  const [lb, setLb] = useState(() => lbDefaults(loadBalancers, colocated, spec?.loadBalancers));
  const [clusterName, setClusterName] = useState(was?.clusterName ?? defaultName);
  const [chosenHa, setHa] = useState<Ha>(was?.ha.mode ?? "all");
  const [khepri, setKhepri] = useState(was?.khepri ?? false);
  const [count, setCount] = useState(was?.ha.mode === "exactly" ? was.ha.count : Math.min(2, nodeCount));
  const [manageHostsFile, setManageHostsFile] = useState(was?.manageHostsFile ?? true);
  const [management, setManagement] = useState(was?.management ?? true);
  const [adminUser, setAdminUser] = useState(was?.adminUser ?? "warren-admin");
  const [rabbitmqVersion, setRabbitmqVersion] = useState(was?.rabbitmqVersion ?? "");
  const [erlangVersion, setErlangVersion] = useState(was?.erlangVersion ?? "");
  // Kept when options change (unlike the report): choosing a version must not hide the list.
  const [versions, setVersions] = useState<PackageVersions | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<PreflightReport | null>(null);
  // Once pre-flight has read the versions on offer, the choices are those of the version to be installed.
  const target = rabbitmqVersion || versions?.rabbitmq[0] || null;
  const rules = rulesFor(target);
  const mirroring = rules?.mirroring !== "removed";
  const ha: Ha = mirroring ? chosenHa : "quorum";
  const offersKhepri = rules?.khepri === "opt-in";

  const params = () => ({
    clusterName, manageHostsFile, management, adminUser,
    ha: ha === "exactly" ? { mode: "exactly", count } : { mode: ha },
    ...(offersKhepri && khepri ? { khepri: true } : {}),
    ...(rabbitmqVersion ? { rabbitmqVersion } : {}),
    ...(erlangVersion ? { erlangVersion } : {}),
    ...(loadBalancers.length ? { loadBalancers: lbParams(lb) } : {}),
  });
  const plan = usePlan(clusterId, "setup", params);
  const changed = () => { plan.reset(); setReport(null); };
  const blocked = report && !report.ok;
  const unreached = [...new Set((report?.findings ?? []).filter((f) => f.check === "SSH" && f.level === "fail").map((f) => f.host))];

  return (
    <div className="flex min-w-0 flex-col gap-4">
      <fieldset className="grid min-w-0 gap-3 md:grid-cols-2" onChange={changed}>
        <legend className="mb-2 text-sm font-semibold">1. Options</legend>
        <Field label="RabbitMQ cluster name" htmlFor="opt-name"><Input id="opt-name" value={clusterName} onChange={(e) => setClusterName(e.target.value)} /></Field>
        <Field label="Queue high availability" htmlFor="opt-ha" hint={
          !mirroring ? `RabbitMQ ${seriesOf(target!)} has no classic mirrored queues (removed in 4.0): quorum queues become the default queue type of the virtual host, so a queue declared without arguments is a quorum queue.`
            : ha === "quorum" ? (rules?.vhostDefaultQueueType ? "Quorum queues are replicated by RabbitMQ itself and become the virtual host's default queue type." : "Quorum queues are replicated by RabbitMQ itself; on this version clients declare them with x-queue-type: quorum.")
              : "Classic mirrored queues (ha-*) and ram nodes are legacy: removed in RabbitMQ 4.0, where quorum queues replace them."}>
          <Select id="opt-ha" value={ha} onChange={(e) => setHa(e.target.value as Ha)}>
            {mirroring && <option value="all">Mirror to all nodes (policy ha-all)</option>}
            {mirroring && <option value="exactly">Mirror to N nodes (ha-mode exactly)</option>}
            <option value="quorum">{rules?.vhostDefaultQueueType ? "Quorum queues (the default queue type of the virtual host)" : "Quorum queues (no mirroring policy; clients declare x-queue-type)"}</option>
          </Select>
        </Field>
        {ha === "exactly" && <Field label="Mirrors (ha-params)" htmlFor="opt-count"><Input id="opt-count" type="number" min={1} max={nodeCount} value={count} onChange={(e) => setCount(Number(e.target.value))} /></Field>}
        <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={manageHostsFile} onChange={(e) => setManageHostsFile(e.target.checked)} /> Let Warren manage a block in /etc/hosts so nodes resolve each other</label>
        <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={management} onChange={(e) => setManagement(e.target.checked)} /> Enable the management plugin with an admin user (generated password, stored encrypted); remove guest</label>
        {management && <Field label="Management admin user" htmlFor="opt-admin"><Input id="opt-admin" value={adminUser} onChange={(e) => setAdminUser(e.target.value)} /></Field>}
        {offersKhepri && (
          <div className="text-sm md:col-span-2">
            <label className="flex items-center gap-2"><input type="checkbox" checked={khepri} onChange={(e) => setKhepri(e.target.checked)} /> Use Khepri as the metadata store (opt-in on RabbitMQ {seriesOf(target!)}; cannot be undone)</label>
            <p className="text-xs text-muted">{KHEPRI_CONSEQUENCES}</p>
          </div>
        )}
        {rules && rules.ramNodes !== "supported" && ramNodes.length > 0 && (
          <Notice tone={rules.ramNodes === "removed" || khepri ? "red" : "amber"} title="Ram nodes" className="md:col-span-2">
            {ramNodes.join(", ")} {ramNodes.length === 1 ? "is a ram node" : "are ram nodes"}: {rules.ramNodes === "removed" || khepri
              ? `RabbitMQ ${seriesOf(target!)}${khepri ? " with Khepri" : ""} has none, and the plan will be refused. Make ${ramNodes.length === 1 ? "it a disc node" : "them disc nodes"} in the cluster's members first.`
              : `deprecated on RabbitMQ ${seriesOf(target!)}, and Khepri (the metadata store of later versions) refuses them. Disc nodes are recommended; change the type in the cluster's members.`}
          </Notice>
        )}
      </fieldset>

      {loadBalancers.length > 0 && (
        <fieldset className="min-w-0">
          <legend className="mb-2 text-sm font-semibold">Load balancers and the VIP</legend>
          <LoadBalancerFields clusterId={clusterId} loadBalancers={loadBalancers} value={lb} onChange={(v) => { setLb(v); plan.reset(); }} />
        </fieldset>
      )}

      <div className="flex flex-wrap gap-2">
        {/* Not a transition: state set inside one is held back until it ends, so the status below never showed. */}
        <Button variant="secondary" busy={preflighting} onClick={async () => {
          setPreflighting(true); setError(null);
          try {
            const r = await preflight(clusterId, params());
            if (r.ok) { setReport(r.report); setVersions(r.report.versions); } else setError(r.message);
          } finally { setPreflighting(false); }
        }}>2. Run pre-flight checks</Button>
        <Button variant="secondary" busy={plan.busy === "plan"} disabled={preflighting} onClick={plan.showPlan}>3. Show the plan</Button>
        {preflighting && <span role="status" className="self-center text-sm text-muted">Connecting to every node (up to 45 s for an unreachable one)…</span>}
        {plan.busy === "plan" && <span role="status" className="self-center text-sm text-muted">Asking every host what is already in place…</span>}
      </div>
      {(error ?? plan.error) && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error ?? plan.error}</p>}

      {report && (
        <div className="min-w-0">
          <h3 className="mb-1 text-sm font-semibold">Pre-flight {report.ok ? <Badge tone="green">passed</Badge> : <Badge tone="red">problems found</Badge>}</h3>
          <div className="overflow-x-auto" {...scrollable("Pre-flight table")}>
            <table className="w-full text-left text-sm" aria-label="Pre-flight results">
              <thead className="text-muted"><tr><th>Host</th><th>Check</th><th>Result</th><th>Details</th></tr></thead>
              <tbody>{report.findings.map((f, i) => (
                <tr key={i} className="border-t border-line align-top">
                  <td className="py-1 pr-2">{f.host}</td><td className="pr-2">{f.check}</td><td className="pr-2"><Badge tone={LEVEL_TONE[f.level]}>{f.level}</Badge></td>
                  <td className="break-words">{f.message}{f.fix && <div className="text-xs text-muted">Fix: {f.fix}</div>}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        </div>
      )}

      {versions && (
        <fieldset className="grid min-w-0 gap-3 md:grid-cols-2" onChange={plan.reset}>
          <legend className="mb-2 text-sm font-semibold">Package versions (offered by every host&apos;s package source)</legend>
          <VersionSelect id="opt-rabbitmq" label="RabbitMQ version" value={rabbitmqVersion} onChange={setRabbitmqVersion} offered={versions.rabbitmq}
            hint="The rabbitmq-server package to install." unreached={unreached} />
          <VersionSelect id="opt-erlang" label="Erlang version" value={erlangVersion} onChange={setErlangVersion} offered={versions.erlang}
            hint="Pins every erlang-* package to this version." unreached={unreached} />
        </fieldset>
      )}

      {plan.preview && (
        <>
          {blocked && <Notice tone="red" title="Pre-flight found problems">Fix the failures above and run the pre-flight checks again; setup cannot start until they pass.</Notice>}
          <PlanView preview={plan.preview} startLabel="4. Start setup" busy={plan.busy === "start"} blocked={!!blocked} onStart={plan.startRun} />
        </>
      )}
    </div>
  );
}

/** A version every host offers (listed by pre-flight), or the newest. */
function VersionSelect({ id, label, value, onChange, offered, hint, unreached }: { id: string; label: string; value: string; onChange: (v: string) => void; offered: string[]; hint: string; unreached: string[] }) {
  // An unreachable host says nothing about its packages: blame the network, not apt.
  const note = unreached.length ? ` Not known for ${unreached.join(", ")}, which could not be reached.`
    : offered.length === 0 ? " The hosts' package lists name no common version (run apt-get update on them?); the newest will be installed." : "";
  return (
    <Field label={label} htmlFor={id} hint={hint + note}>
      <Select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Newest the hosts offer</option>
        {offered.map((v) => <option key={v} value={v}>{v}</option>)}
      </Select>
    </Field>
  );
}
