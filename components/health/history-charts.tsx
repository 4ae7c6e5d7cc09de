"use client";
import { useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { format } from "date-fns";
import { Select } from "@/components/ui";
import { useClusterHistory, type HistoryPoint } from "./use-cluster-health";

const SPANS = [{ hours: 1, label: "last hour" }, { hours: 6, label: "last 6 hours" }, { hours: 24, label: "last 24 hours" }];
const COLORS = ["#ea580c", "#2563eb", "#16a34a", "#9333ea", "#db2777", "#0891b2"];

function Chart({ title, data, lines, unit }: { title: string; data: Record<string, number | string | null>[]; lines: string[]; unit?: string }) {
  return (
    <figure className="min-w-0 rounded-md border border-line p-2">
      <figcaption className="mb-1 text-xs font-medium">{title}</figcaption>
      <div className="h-40 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
            <XAxis dataKey="t" tick={{ fontSize: 10, fill: "var(--muted)" }} minTickGap={30} />
            <YAxis tick={{ fontSize: 10, fill: "var(--muted)" }} allowDecimals={false} unit={unit} />
            <Tooltip contentStyle={{ background: "var(--surface)", border: "1px solid var(--line)", color: "var(--fg)", fontSize: 12 }} />
            {lines.map((k, i) => <Line key={k} type="monotone" dataKey={k} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} strokeWidth={1.5} />)}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** The cluster's recent history: nodes up, messages, connections, memory, and sessions per load balancer. */
export function HistoryCharts({ clusterId }: { clusterId: string }) {
  const [hours, setHours] = useState(1);
  const q = useClusterHistory(clusterId, hours);
  const samples: HistoryPoint[] = q.data?.samples ?? [];
  const t = (at: string) => format(new Date(at), hours > 6 ? "HH:mm" : "HH:mm:ss");
  const hosts = [...new Set(samples.flatMap((s) => Object.keys(s.mem)))].sort();
  const lbs = [...new Set(samples.flatMap((s) => Object.keys(s.backends).map((k) => k.split("/")[0])))].sort();
  const rows = samples.map((s) => ({
    t: t(s.at), up: s.up, messages: s.messages, connections: s.connections,
    ...Object.fromEntries(hosts.map((h) => [h, s.mem[h] !== undefined ? Math.round(s.mem[h] / (1 << 20)) : null])),
    ...Object.fromEntries(lbs.map((l) => [l, Object.entries(s.backends).filter(([k]) => k.startsWith(`${l}/`)).reduce((n, [, v]) => n + v.s, 0)])),
  }));
  return (
    <div className="flex min-w-0 flex-col gap-2">
      <label className="flex items-center gap-2 text-sm">History
        <Select className="w-auto" value={hours} onChange={(e) => setHours(Number(e.target.value))} aria-label="History span">{SPANS.map((s) => <option key={s.hours} value={s.hours}>{s.label}</option>)}</Select>
        <span className="text-xs text-muted">{q.data ? `one point per ${q.data.res} s, times in your zone` : ""}</span>
      </label>
      {rows.length < 2 ? <p className="text-sm text-muted">Not enough history yet: a point is recorded every 10 s.</p> : (
        <div className="grid min-w-0 gap-3 md:grid-cols-2">
          <Chart title="Nodes running" data={rows} lines={["up"]} />
          <Chart title="Messages in queues" data={rows} lines={["messages"]} />
          <Chart title="Client connections" data={rows} lines={["connections"]} />
          <Chart title="Memory per node (MiB)" data={rows} lines={hosts} />
          {lbs.length > 0 && <Chart title="Sessions per load balancer" data={rows} lines={lbs} />}
        </div>
      )}
    </div>
  );
}
