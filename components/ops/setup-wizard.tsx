"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { preflight, previewSetup, startSetup } from "@/lib/actions/operations";
import type { PlanPreview } from "@/lib/ops/operations";
import type { PreflightReport } from "@/lib/ops/preflight";
import type { PackageVersions } from "@/lib/ops/preflight-eval";
import { Badge, Button, Field, Input, Select } from "@/components/ui";

type Ha = "all" | "exactly" | "quorum";
const LEVEL_TONE = { ok: "green", info: "blue", warn: "amber", fail: "red" } as const;

/** Options → pre-flight → plan → confirm → run. Each step can be revisited; nothing runs before "Start". */
export function SetupWizard({ clusterId, defaultName, nodeCount }: { clusterId: string; defaultName: string; nodeCount: number }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [clusterName, setClusterName] = useState(defaultName);
  const [ha, setHa] = useState<Ha>("all");
  const [count, setCount] = useState(Math.min(2, nodeCount));
  const [manageHostsFile, setManageHostsFile] = useState(true);
  const [management, setManagement] = useState(true);
  const [adminUser, setAdminUser] = useState("warren-admin");
  const [rabbitmqVersion, setRabbitmqVersion] = useState("");
  const [erlangVersion, setErlangVersion] = useState("");
  // Kept when options change (unlike the report): choosing a version must not hide the list.
  const [versions, setVersions] = useState<PackageVersions | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<PreflightReport | null>(null);
  const [preview, setPreview] = useState<PlanPreview | null>(null);
  const [confirmed, setConfirmed] = useState(false);

  const params = () => ({
    clusterName, manageHostsFile, management, adminUser,
    ha: ha === "exactly" ? { mode: "exactly", count } : { mode: ha },
    ...(rabbitmqVersion ? { rabbitmqVersion } : {}),
    ...(erlangVersion ? { erlangVersion } : {}),
  });
  const changed = () => { setPreview(null); setReport(null); setConfirmed(false); };

  return (
    <div className="flex flex-col gap-4">
      <fieldset className="grid gap-3 md:grid-cols-2" onChange={changed}>
        <legend className="mb-2 text-sm font-semibold">1. Options</legend>
        <Field label="RabbitMQ cluster name" htmlFor="opt-name"><Input id="opt-name" value={clusterName} onChange={(e) => setClusterName(e.target.value)} /></Field>
        <Field label="Queue high availability" htmlFor="opt-ha" hint="Classic mirrored queues (ha-*) and ram nodes are legacy: removed in RabbitMQ 4.0, where quorum queues replace them.">
          <Select id="opt-ha" value={ha} onChange={(e) => setHa(e.target.value as Ha)}>
            <option value="all">Mirror to all nodes (policy ha-all)</option>
            <option value="exactly">Mirror to N nodes (ha-mode exactly)</option>
            <option value="quorum">Quorum queues (no mirroring policy; clients declare x-queue-type)</option>
          </Select>
        </Field>
        {ha === "exactly" && <Field label="Mirrors (ha-params)" htmlFor="opt-count"><Input id="opt-count" type="number" min={1} max={nodeCount} value={count} onChange={(e) => setCount(Number(e.target.value))} /></Field>}
        <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={manageHostsFile} onChange={(e) => setManageHostsFile(e.target.checked)} /> Let Warren manage a block in /etc/hosts so nodes resolve each other</label>
        <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={management} onChange={(e) => setManagement(e.target.checked)} /> Enable the management plugin with an admin user (generated password, stored encrypted); remove guest</label>
        {management && <Field label="Management admin user" htmlFor="opt-admin"><Input id="opt-admin" value={adminUser} onChange={(e) => setAdminUser(e.target.value)} /></Field>}
      </fieldset>

      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" disabled={pending} onClick={() => start(async () => {
          setError(null);
          const r = await preflight(clusterId, params());
          if (r.ok) { setReport(r.report); setVersions(r.report.versions); } else setError(r.message);
        })}>2. Run pre-flight checks</Button>
        <Button variant="secondary" disabled={pending} onClick={() => start(async () => {
          setError(null);
          const r = await previewSetup(clusterId, params());
          if (r.ok) setPreview(r.preview); else setError(r.message);
        })}>3. Show the plan</Button>
      </div>
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}

      {report && (
        <div>
          <h3 className="mb-1 text-sm font-semibold">Pre-flight {report.ok ? <Badge tone="green">passed</Badge> : <Badge tone="red">problems found</Badge>}</h3>
          <table className="w-full text-left text-sm" aria-label="Pre-flight results">
            <thead className="text-slate-500"><tr><th>Host</th><th>Check</th><th>Result</th><th>Details</th></tr></thead>
            <tbody>{report.findings.map((f, i) => (
              <tr key={i} className="border-t border-slate-100 align-top">
                <td className="py-1 pr-2">{f.host}</td><td className="pr-2">{f.check}</td><td className="pr-2"><Badge tone={LEVEL_TONE[f.level]}>{f.level}</Badge></td>
                <td>{f.message}{f.fix && <div className="text-xs text-slate-600">Fix: {f.fix}</div>}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}

      {versions && (
        <fieldset className="grid gap-3 md:grid-cols-2" onChange={() => { setPreview(null); setConfirmed(false); }}>
          <legend className="mb-2 text-sm font-semibold">Package versions (offered by every host&apos;s package source)</legend>
          <VersionSelect id="opt-rabbitmq" label="RabbitMQ version" value={rabbitmqVersion} onChange={setRabbitmqVersion} offered={versions.rabbitmq}
            hint="The rabbitmq-server package to install." />
          <VersionSelect id="opt-erlang" label="Erlang version" value={erlangVersion} onChange={setErlangVersion} offered={versions.erlang}
            hint="Pins every erlang-* package to this version." />
        </fieldset>
      )}

      {preview && (
        <div className="flex flex-col gap-2">
          <h3 className="text-sm font-semibold">The plan: {preview.plan.phases.reduce((n, p) => n + p.steps.length, 0)} steps in {preview.plan.phases.length} phases</h3>
          <ol className="list-decimal pl-5 text-sm">
            {preview.plan.phases.map((p, i) => <li key={i}>{p.title} <span className="text-slate-500">({p.oneHostAtATime ? "one host at a time" : "hosts in parallel"}, {p.steps.length} steps)</span></li>)}
          </ol>
          <details><summary className="cursor-pointer text-sm text-orange-700">The plan as a shell script (copyable; secrets shown as placeholders)</summary>
            <pre data-testid="plan-shell" className="mono mt-1 max-h-96 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">{preview.shell}</pre>
          </details>
          {preview.destructive.length > 0 && (
            <div className="rounded border border-red-300 bg-red-50 p-3 text-sm">
              <p className="font-semibold text-red-800">Destructive steps</p>
              <ul className="list-disc pl-5">{preview.destructive.map((d, i) => <li key={i}><b>{d.host}</b>: {d.title} — {d.why}</li>)}</ul>
              <label className="mt-2 flex items-center gap-2"><input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I understand; run these steps</label>
            </div>
          )}
          <div>
            <Button disabled={pending || (preview.destructive.length > 0 && !confirmed)} onClick={() => start(async () => {
              setError(null);
              const r = await startSetup(clusterId, params(), confirmed);
              if (r.ok) router.push(`/runs/${r.runId}`); else setError(r.message);
            })}>4. Start setup</Button>
          </div>
        </div>
      )}
    </div>
  );
}

/** A version every host offers (listed by pre-flight), or the newest. */
function VersionSelect({ id, label, value, onChange, offered, hint }: { id: string; label: string; value: string; onChange: (v: string) => void; offered: string[]; hint: string }) {
  const note = offered.length === 0 ? " The hosts' package lists name no common version (run apt-get update on them?); the newest will be installed." : "";
  return (
    <Field label={label} htmlFor={id} hint={hint + note}>
      <Select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Newest the hosts offer</option>
        {offered.map((v) => <option key={v} value={v}>{v}</option>)}
      </Select>
    </Field>
  );
}
