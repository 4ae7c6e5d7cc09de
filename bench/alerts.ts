// lab-hosts: 15
// apt: prometheus prometheus-alertmanager prometheus-haproxy-exporter python3-aiosmtpd
// How soon a fault reaches a person: from the fault to the webhook received
// and to the mail received, through Warren's alert engine, outbox and
// channels. Three clusters set up through Warren, one per fault, faulted in
// parallel (each fault waits for its cluster to be healthy and its incident
// resolved before the next, so each page is a new incident):
//   nodeKill    bench-kill   node1-3 (disc, disc, ram), LBs node4-5, VIP .100:
//               beam SIGKILLed (`lab kill`) and held down (`systemctl stop`, so
//               systemd's restart does not end it before the baseline scrapes).
//   vipMove     bench-vip    node6-8, LBs node9-10, VIP .101: Keepalived stopped
//               on the VIP's holder.
//   hostFreeze  bench-freeze node11-13, LBs node14-15, VIP .102: every process of
//               a host SIGSTOPped (`lab freeze`), rotating over nodes and LBs.
//               The baseline is waited for on the load balancers' rounds only: a
//               RabbitMQ node frozen the ~70 s it needs would be declared down by
//               its peers (net_ticktime 60 s) and thaw into a partition, another
//               fault; a node's round is thawed once Warren's pages are in.
// Baseline in the same run, on the same faults: Debian's Prometheus and
// Alertmanager as their shipped examples configure them (scrape and evaluate
// every 15 s; group_by alertname/cluster/service, group_wait 30 s,
// group_interval 5 m), scraping RabbitMQ's own rabbitmq_prometheus plugin and
// HAProxy's stats (Debian's prometheus-haproxy-exporter), `up == 0`-style
// rules, Alertmanager posting to the same webhook receiver. Each round gives
// the faulted cluster's targets a new `cluster` label, so each round is the
// first alert of a new Alertmanager group (its best case: group_wait, not
// group_interval).
// Then, on bench-kill: each node restarted in turn through Warren with node3
// killed during node2's restart (pages for the nodes Warren restarts are
// false; node3's is real), and Warren killed with -9 while a page is waiting
// for receivers that are down (delivered once to each after the restart).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { labCommandAsync } from "@/lab/client";
import { KINDS, type AlertKind } from "@/lib/alerts/kinds";
import { SshPool } from "@/lib/ssh";
import { labTarget } from "../tests/support/lab";
import { selfSignedCert, smtpServer, webhookReceiver, type Mail, type Received, type SmtpServer, type WebhookReceiver } from "../tests/support/alert-receivers";
import { startWarren, type WarrenServer } from "../tests/support/warren-server";
import { addr, lab, percentile, setUpCluster, sleep, startOperation, waitForRun } from "./support";

const TRIALS = Number(process.env.TRIALS ?? 20);
const HOOK_PORT = 3691, SMTP_PORT = 3692, PROM_PORT = 3693, AM_PORT = 3694, EXPORTER_BASE = 3700;
const SMTP_AUTH = { user: "warren", password: "bench-smtp-pw" };
const pool = new SshPool();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "warren-bench-alerts-"));
let warren!: WarrenServer;
let hook: WebhookReceiver;
let smtp: SmtpServer;

interface BenchCluster { key: "kill" | "vip" | "freeze"; name: string; id: string; nodes: string[]; lbs: string[]; round: number }
const clusters: BenchCluster[] = [
  { key: "kill", name: "bench-kill", id: "", nodes: ["node1", "node2", "node3"], lbs: ["node4", "node5"], round: 0 },
  { key: "vip", name: "bench-vip", id: "", nodes: ["node6", "node7", "node8"], lbs: ["node9", "node10"], round: 0 },
  { key: "freeze", name: "bench-freeze", id: "", nodes: ["node11", "node12", "node13"], lbs: ["node14", "node15"], round: 0 },
];
const roundLabel = (c: BenchCluster) => `${c.name}-r${c.round}`;
const run = (host: string, argv: string[], timeoutMs = 120_000) => pool.run(labTarget(lab, host), argv, { timeoutMs });
const secs = (ms: number) => Math.round(ms / 10) / 100;

// ---------------------------------------------------------------- Warren's side

interface Health { status: string; nodes: { host: string; running: boolean }[]; loadBalancers: { host: string; backends: { status: string }[] }[]; vip: { owners: string[] } | null; alarms: { message: string }[] }
const health = async (c: BenchCluster) => (await warren.api<Health>("GET", `/clusters/${c.id}/health`)).body;

async function healthy(c: BenchCluster, what: string) {
  const t = Date.now();
  let last: Health | null = null;
  while (Date.now() - t < 180_000) {
    last = await health(c);
    if (last.status === "ok" && last.loadBalancers.every((l) => l.backends.every((b) => b.status === "UP"))) return;
    await sleep(250);
  }
  throw new Error(`${c.name} did not become healthy after ${what}: ${last?.alarms.map((a) => a.message).join("; ")}`);
}

interface Incident { id: string; kind: string; status: string }
/** Until the cluster has no open incident (the next fault's page is then a new incident's). */
async function quiet(c: BenchCluster, what: string) {
  const t = Date.now();
  let open: Incident[] = [];
  while (Date.now() - t < 180_000) {
    open = (await warren.api<{ incidents: Incident[] }>("GET", `/alerts?state=open&cluster=${c.id}`)).body.incidents;
    if (!open.length) return;
    await sleep(500);
  }
  throw new Error(`${c.name} still has open incidents after ${what}: ${open.map((i) => `${i.kind} ${i.status}`).join(", ")}`);
}

const warrenPage = (c: BenchCluster, t0: number, kinds: AlertKind[]) => (r: Received) =>
  r.path === "/hook" && r.at >= t0 && r.event === "firing" && r.body.cluster === c.name && kinds.includes((r.body.incident as { kind: AlertKind }).kind);
/** The mail of the same incident kinds as the webhook's (its subject names the kind's title). */
const mailOf = (c: BenchCluster, t0: number, kinds: AlertKind[]) => (m: Mail) =>
  m.at >= t0 && m.subject.startsWith("[Warren] FIRING") && kinds.some((k) => m.subject.endsWith(`: ${c.name} — ${KINDS[k].title}`));

async function waitMail(pred: (m: Mail) => boolean, timeoutMs: number): Promise<Mail | null> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const m = smtp.messages().find(pred);
    if (m) return m;
    await sleep(50);
  }
  return null;
}
const waitHook = (pred: (r: Received) => boolean, timeoutMs: number) => hook.waitFor(pred, timeoutMs).catch(() => null);

// ---------------------------------------------------------------- the baseline

let prometheus: ChildProcess | undefined;
const children: ChildProcess[] = [];
const spawnLogged = (name: string, cmd: string, args: string[]) => {
  const out = fs.openSync(path.join(work, `${name}.log`), "a");
  const p = spawn(cmd, args, { stdio: ["ignore", out, out] });
  children.push(p);
  return p;
};
process.once("exit", () => { for (const p of children) try { p.kill("SIGTERM"); } catch { /* gone */ } });

/** prometheus.yml: the shipped example's intervals; every cluster's nodes and HAProxy exporters, labelled with its round. */
function writePrometheusConfig() {
  const groups = (job: string, targets: (c: BenchCluster) => string[]) => clusters.map((c) => `      - targets: [${targets(c).map((t) => `'${t}'`).join(", ")}]\n        labels: { cluster: '${roundLabel(c)}' }`).join("\n");
  fs.writeFileSync(path.join(work, "prometheus.yml"), `# As Debian's /etc/prometheus/prometheus.yml: scrape and evaluate every 15 s.
global:
  scrape_interval: 15s
  evaluation_interval: 15s
alerting:
  alertmanagers:
  - static_configs:
    - targets: ['127.0.0.1:${AM_PORT}']
rule_files: ['${work}/rules.yml']
scrape_configs:
  - job_name: rabbitmq
    static_configs:
${groups("rabbitmq", (c) => c.nodes.map((n) => `${addr(n)}:15692`))}
  - job_name: haproxy
    static_configs:
${groups("haproxy", (c) => c.lbs.map((l) => `127.0.0.1:${EXPORTER_BASE + Number(l.slice(4))}`))}
`);
}

async function promQuery(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`http://127.0.0.1:${PROM_PORT}/api/v1/query?query=${encodeURIComponent(q)}`);
  return ((await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
}

/** The cluster's next round: a new label on its targets, and every one of them scraped up under it. */
async function nextRound(c: BenchCluster) {
  c.round++;
  writePrometheusConfig();
  prometheus!.kill("SIGHUP");
  const want = c.nodes.length + c.lbs.length;
  const t = Date.now();
  for (;;) {
    const l = roundLabel(c);
    const up = (await promQuery(`up{cluster="${l}"} == 1`).catch(() => [])).length + (await promQuery(`haproxy_up{cluster="${l}"} == 1`).catch(() => [])).length;
    if (up >= want + c.lbs.length) return;
    if (Date.now() - t > 90_000) throw new Error(`Prometheus does not scrape ${c.name}'s targets under ${l}: ${up}/${want + c.lbs.length} up`);
    await sleep(500);
  }
}

const alertmanagerPage = (c: BenchCluster, t0: number) => (r: Received) =>
  r.path === "/alertmanager" && r.at >= t0 && r.body.status === "firing" && ((r.body.alerts ?? []) as { status: string; labels: Record<string, string> }[]).some((a) => a.status === "firing" && a.labels.cluster === roundLabel(c));

async function startBaseline() {
  // RabbitMQ's own Prometheus plugin on every node (as a self-hoster enables it).
  await Promise.all(clusters.flatMap((c) => c.nodes).map((n) => run(n, ["rabbitmq-plugins", "enable", "rabbitmq_prometheus"])));
  // One exporter per load balancer, reading its stats page; the URI (with the stats password) from a file, not the argument list.
  for (const c of clusters) {
    const pw = (await warren.api<{ value: string }>("POST", `/clusters/${c.id}/secrets/statsPassword/reveal`)).body.value;
    for (const l of c.lbs) {
      const args = path.join(work, `exporter-${l}.args`);
      fs.writeFileSync(args, `--haproxy.scrape-uri=http://warren:${encodeURIComponent(pw)}@${addr(l)}:8404/stats;csv\n--web.listen-address=127.0.0.1:${EXPORTER_BASE + Number(l.slice(4))}\n`, { mode: 0o600 });
      spawnLogged(`exporter-${l}`, "/usr/bin/prometheus-haproxy-exporter", [`@${args}`]);
    }
  }
  fs.writeFileSync(path.join(work, "rules.yml"), `groups:
- name: rabbitmq-ha
  rules:
  - alert: RabbitMQNodeDown
    expr: up{job="rabbitmq"} == 0
    labels: { severity: critical }
    annotations: { summary: "RabbitMQ node {{ $labels.instance }} is down" }
  - alert: HAProxyDown
    expr: up{job="haproxy"} == 0 or haproxy_up == 0
    labels: { severity: critical }
    annotations: { summary: "HAProxy {{ $labels.instance }} is down" }
  - alert: HAProxyBackendDown
    expr: haproxy_server_up{backend="rabbitmq_amqp"} == 0
    labels: { severity: warning }
    annotations: { summary: "HAProxy has {{ $labels.server }} down" }
`);
  // The shipped alertmanager.yml's route, with the same webhook receiver.
  fs.writeFileSync(path.join(work, "alertmanager.yml"), `route:
  group_by: ['alertname', 'cluster', 'service']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 3h
  receiver: webhook
receivers:
- name: webhook
  webhook_configs:
  - url: 'http://127.0.0.1:${HOOK_PORT}/alertmanager'
    send_resolved: true
`);
  writePrometheusConfig();
  spawnLogged("alertmanager", "/usr/bin/prometheus-alertmanager", [`--config.file=${work}/alertmanager.yml`, `--storage.path=${work}/am`, `--web.listen-address=127.0.0.1:${AM_PORT}`, "--cluster.listen-address="]);
  prometheus = spawnLogged("prometheus", "/usr/bin/prometheus", [`--config.file=${work}/prometheus.yml`, `--storage.tsdb.path=${work}/tsdb`, `--web.listen-address=127.0.0.1:${PROM_PORT}`]);
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${PROM_PORT}/-/ready`).then((r) => r.ok, () => false)) break;
    if (i > 120) throw new Error(`Prometheus did not start; see ${work}/prometheus.log`);
    await sleep(500);
  }
}

// ---------------------------------------------------------------- one fault, measured

/** Seconds from the fault; `promWaited` counts the rounds the baseline was waited for, `prometheus` those it paged in. */
interface Figures { webhook: number[]; smtp: number[]; prometheus: number[]; n: number; promWaited: number }
const figures = (): Figures => ({ webhook: [], smtp: [], prometheus: [], n: 0, promWaited: 0 });

async function trial(c: BenchCluster, f: Figures, label: string, kinds: AlertKind[], fault: () => Promise<void>, undo: () => Promise<void>, o: { prometheusSees: boolean }) {
  await nextRound(c);
  const t0 = Date.now();
  await fault();
  const [w, m, p] = await Promise.all([
    waitHook(warrenPage(c, t0, kinds), 60_000),
    waitMail(mailOf(c, t0, kinds), 60_000),
    o.prometheusSees ? waitHook(alertmanagerPage(c, t0), 180_000) : Promise.resolve(null),
  ]);
  f.n++;
  if (w) f.webhook.push(secs(w.at - t0));
  if (m) f.smtp.push(secs(m.at - t0));
  if (o.prometheusSees) f.promWaited++;
  if (p) f.prometheus.push(secs(p.at - t0));
  const kind = w ? (w.body.incident as { kind: string }).kind : "none";
  console.log(`${c.key.padEnd(6)} #${f.n} ${label}: webhook ${w ? `${secs(w.at - t0)} s (${kind})` : "none in 60 s"}, mail ${m ? `${secs(m.at - t0)} s` : "none in 60 s"}, Prometheus+Alertmanager ${p ? `${secs(p.at - t0)} s` : o.prometheusSees ? "none in 180 s" : "not waited for"}`);
  await undo();
  await healthy(c, label);
  await quiet(c, label);
}

async function nodeKills(f: Figures) {
  const c = clusters[0];
  for (let i = 0; i < TRIALS; i++) {
    const victim = c.nodes[i % 3];
    await trial(c, f, `kill ${victim}`, ["node-down"],
      async () => {
        await labCommandAsync("kill", victim, "rabbitmq-server");
        // Held down until the round ends: systemd would start it again in 10 s, before a 15 s scrape.
        await run(victim, ["systemctl", "stop", "rabbitmq-server"]);
      },
      async () => { await run(victim, ["systemctl", "start", "rabbitmq-server"], 300_000); },
      { prometheusSees: true });
  }
}

async function vipMoves(f: Figures) {
  const c = clusters[1];
  for (let i = 0; i < TRIALS; i++) {
    const owner = (await health(c)).vip!.owners[0];
    // The baseline has nothing that changes when Keepalived stops (no Keepalived exporter in Debian; HAProxy and RabbitMQ go on answering): waited for once, to show it.
    await trial(c, f, `Keepalived stopped on ${owner}`, ["vip-moved", "keepalived-down", "vip-none"],
      async () => { await run(owner, ["systemctl", "stop", "keepalived"], 30_000); },
      async () => { await run(owner, ["systemctl", "start", "keepalived"], 30_000); },
      { prometheusSees: i === 0 });
  }
}

async function hostFreezes(f: Figures) {
  const c = clusters[2];
  const victims = ["node13", "node15", "node12", "node14"];
  for (let i = 0; i < TRIALS; i++) {
    const victim = victims[i % victims.length];
    await trial(c, f, `freeze ${victim}`, ["node-unreachable", "lb-unreachable"],
      () => labCommandAsync("freeze", victim).then(() => undefined),
      () => labCommandAsync("thaw", victim).then(() => undefined),
      { prometheusSees: c.lbs.includes(victim) });
  }
}

// ---------------------------------------------------------------- Warren's own work, and a crash

interface Page { event: string; kind: string; unheld: string[] }
const pagesOf = (c: BenchCluster, t0: number): Page[] => hook.received.filter((r) => r.path === "/hook" && r.at >= t0 && r.body.cluster === c.name && r.event === "firing").map((r) => ({
  event: r.event!, kind: (r.body.incident as { kind: string }).kind,
  unheld: ((r.body.members ?? []) as { label: string; held: string | null; silenced: string | null }[]).filter((m) => !m.held && !m.silenced).map((m) => m.label),
}));

async function rollingRestart(): Promise<{ falsePages: number; realPages: number }> {
  const c = clusters[0];
  await healthy(c, "the fault rounds");
  await quiet(c, "the fault rounds");
  const t0 = Date.now();
  const restart = (node: string) => startOperation(warren, c.id, "restart-node", { node });
  await waitForRun(warren, await restart("node1"), "node1's restart");
  const second = await restart("node2");
  // node3 killed while Warren has node2 down: its page is real.
  for (;;) {
    const r = (await warren.api<{ run: { status: string; steps: { key: string; status: string }[] } }>("GET", `/runs/${second}`)).body.run;
    if (r.steps.some((s) => s.key === "restart:node2" && s.status === "done")) break;
    if (!["queued", "running"].includes(r.status)) throw new Error(`node2's restart ${r.status}`);
    await sleep(100);
  }
  const killedAt = Date.now();
  await labCommandAsync("kill", "node3", "rabbitmq-server");
  const real = await waitHook((r) => warrenPage(c, killedAt, ["node-down"])(r), 60_000);
  console.log(`rolling restart: node3 killed during node2's restart → webhook ${real ? `${secs(real.at - killedAt)} s` : "none in 60 s"}`);
  await waitForRun(warren, second, "node2's restart");
  await healthy(c, "node3's kill");
  await waitForRun(warren, await restart("node3"), "node3's restart");
  await healthy(c, "the rolling restart");
  await sleep(15_000); // anything late would arrive now
  await quiet(c, "the rolling restart");
  const pages = pagesOf(c, t0);
  const isReal = (p: Page) => p.kind === "node-down" && p.unheld.length === 1 && p.unheld[0] === "node3";
  for (const p of pages) console.log(`  page during the rolling restart: ${p.kind} (${p.unheld.join(", ") || "all held"})${isReal(p) ? "" : "  ← FALSE"}`);
  return { falsePages: pages.filter((p) => !isReal(p)).length, realPages: pages.filter(isReal).length };
}

async function crashWhileFiring(): Promise<{ lost: number; dup: number }> {
  const c = clusters[0];
  await quiet(c, "the rolling restart");
  // Both receivers down: the page waits in the outbox.
  await hook.down();
  await smtp.stop();
  const t0 = Date.now();
  await labCommandAsync("kill", "node2", "rabbitmq-server");
  await run("node2", ["systemctl", "stop", "rabbitmq-server"]);
  let incident: Incident | undefined;
  for (let i = 0; i < 200 && !incident; i++) {
    incident = (await warren.api<{ incidents: Incident[] }>("GET", `/alerts?state=open&cluster=${c.id}`)).body.incidents.find((x) => x.kind === "node-down" && x.status === "firing");
    if (!incident) await sleep(100);
  }
  if (!incident) throw new Error("node2's incident did not fire");
  await sleep(1500); // an attempt to each channel has failed by now
  await warren.crash();
  console.log(`Warren killed -9 ${secs(Date.now() - t0)} s after node2's kill, its page undelivered`);
  await hook.up();
  const smtp2 = await smtpServer(SMTP_PORT, { tls: selfSignedCert(), auth: SMTP_AUTH });
  await warren.restart();
  const hooks = () => hook.received.filter((r) => r.path === "/hook" && r.event === "firing" && (r.body.incident as { id: string }).id === incident!.id);
  const mails = () => smtp2.messages().filter((m) => m.subject.startsWith("[Warren] FIRING") && m.subject.includes(`: ${c.name} — RabbitMQ nodes down`));
  const end = Date.now() + 90_000;
  while (Date.now() < end && (hooks().length < 1 || mails().length < 1)) await sleep(250);
  await sleep(20_000); // a duplicate would come now
  console.log(`after the restart: the webhook received it ${hooks().length}×, the mail server ${mails().length}× (${secs((hooks()[0]?.at ?? NaN) - t0)} s after the kill)`);
  await run("node2", ["systemctl", "start", "rabbitmq-server"], 300_000);
  await healthy(c, "node2's restart");
  await smtp2.stop();
  const n = [hooks().length, mails().length];
  return { lost: n.filter((x) => x === 0).length, dup: n.reduce((s, x) => s + Math.max(0, x - 1), 0) };
}

// ---------------------------------------------------------------- main

const summary = (f: Figures) => ({ webhookP50S: percentile(f.webhook, 50), webhookP95S: f.webhook.length === f.n ? percentile(f.webhook, 95) : null, smtpP95S: f.smtp.length === f.n ? percentile(f.smtp, 95) : null, prometheusP95S: f.promWaited && f.prometheus.length === f.promWaited ? percentile(f.prometheus, 95) : null, n: f.n });

async function main() {
  hook = await webhookReceiver(HOOK_PORT, "bench-signing-key");
  smtp = await smtpServer(SMTP_PORT, { tls: selfSignedCert(), auth: SMTP_AUTH });
  console.log(`setting up three clusters through Warren (node1-15); ${TRIALS} rounds per fault; work files in ${work}`);
  warren = await startWarren(3652);
  await Promise.all(clusters.map(async (c, i) => {
    ({ clusterId: c.id } = await setUpCluster(warren, {
      name: c.name, nodes: c.nodes.map((h, j) => ({ host: h, type: j === 2 ? "ram" : "disc" })), lbs: c.lbs, vip: `10.213.77.${100 + i}`, routerId: 61 + i,
    }));
  }));
  const web = await warren.api<{ channel: { id: string } }>("POST", "/alerts/channels", { type: "webhook", name: "bench-hook", url: hook.url, signingKey: "bench-signing-key" });
  const mail = await warren.api<{ channel: { id: string } }>("POST", "/alerts/channels", { type: "email", name: "bench-mail", host: "127.0.0.1", port: SMTP_PORT, security: "starttls", verifyCertificate: false, username: SMTP_AUTH.user, password: SMTP_AUTH.password, from: "warren@example.com", to: "oncall@example.com" });
  for (const ch of [web, mail]) {
    if (ch.status !== 201) throw new Error(`adding a channel: ${JSON.stringify(ch.body)}`);
    await warren.api("POST", "/alerts/routes", { channelId: ch.body.channel.id, clusterId: null, minSeverity: "warning", repeatMinutes: 0 });
  }
  await startBaseline();
  for (const c of clusters) { await healthy(c, "setup"); await quiet(c, "setup"); }

  const nodeKill = figures(), vipMove = figures(), hostFreeze = figures();
  await Promise.all([nodeKills(nodeKill), vipMoves(vipMove), hostFreezes(hostFreeze)]);
  const rolling = await rollingRestart();
  const restart = await crashWhileFiring();

  const out = { nodeKill: summary(nodeKill), vipMove: summary(vipMove), hostFreeze: summary(hostFreeze), rollingRestart: rolling, restart };
  for (const [name, f] of [["nodeKill", nodeKill], ["vipMove", vipMove], ["hostFreeze", hostFreeze]] as const) {
    console.log(`${name.padEnd(10)} Warren webhook p50 ${percentile(f.webhook, 50)} s, p95 ${percentile(f.webhook, 95)} s (${f.webhook.length}/${f.n}); mail p50 ${percentile(f.smtp, 50)} s, p95 ${percentile(f.smtp, 95)} s (${f.smtp.length}/${f.n}); ` +
      `Prometheus+Alertmanager p50 ${percentile(f.prometheus, 50)} s, p95 ${percentile(f.prometheus, 95)} s (paged in ${f.prometheus.length} of the ${f.promWaited} rounds waited for${name === "vipMove" ? ": nothing it scrapes changes when Keepalived stops" : name === "hostFreeze" ? ", the load balancers'" : ""})`);
  }
  console.log(`rolling restart: ${rolling.falsePages} false pages, ${rolling.realPages} real; Warren killed -9 while a page waited: ${restart.lost} lost, ${restart.dup} duplicated`);
  await warren.stop();
  pool.closeAll();
  console.log(JSON.stringify(out));
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  console.error(`work files (Prometheus, Alertmanager, exporter logs) in ${work}; Warren's log in ${warren ? warren.logFile : "(not started)"}`);
  process.exit(1);
});
