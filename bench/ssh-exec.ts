// lab-hosts: 3
// How long 60 short commands on 3 hosts take through Warren's SSH layer
// (one pooled connection per host, hosts in parallel), against a baseline of the
// seeds' way: one `ssh` process (a new connection) per command, one after another.
import fs from "node:fs";
import { loadLab, sshOk } from "@/lab/client";
import { SshPool } from "@/lib/ssh";

const lab = loadLab();
const hosts = lab.hosts.slice(0, 3);
const PER_HOST = 20;
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const command = ["sh", "-c", "cat /proc/loadavg >/dev/null; hostname"];

async function main() {
  const t0 = performance.now();
  for (const h of hosts) for (let i = 0; i < PER_HOST; i++) await sshOk(lab, h.name, "cat /proc/loadavg >/dev/null; hostname");
  const baselineS = (performance.now() - t0) / 1000;

  const pool = new SshPool();
  const t1 = performance.now();
  await Promise.all(hosts.map(async (h) => {
    const target = { id: h.name, name: h.name, address: h.address, port: 22, username: "root", privateKey: key, useSudo: false, pinnedFingerprint: null };
    for (let i = 0; i < PER_HOST; i++) {
      const r = await pool.run(target, command);
      if (r.stdout.trim() !== h.name) throw new Error(`unexpected output from ${h.name}`);
    }
  }));
  const warrenS = (performance.now() - t1) / 1000;
  pool.closeAll();

  const n = hosts.length * PER_HOST;
  console.log(`${n} commands on ${hosts.length} hosts`);
  console.log(`baseline (ssh per command, sequential): ${baselineS.toFixed(2)} s (${((baselineS / n) * 1000).toFixed(0)} ms/command)`);
  console.log(`warren (pooled connections, hosts in parallel): ${warrenS.toFixed(2)} s (${((warrenS / n) * 1000).toFixed(0)} ms/command)`);
  console.log(JSON.stringify({ commands: n, warrenS: +warrenS.toFixed(3), baselineS: +baselineS.toFixed(3), ratio: +(warrenS / baselineS).toFixed(3) }));
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
