import { spawn } from "node:child_process";
import type { Lab } from "../../lab/client";

/**
 * Samples every process's arguments on the hosts (ps, every 50 ms) for as
 * long as it runs, and remembers each sample line holding one of the secrets.
 */
export function psPoller(lab: Lab, hosts: string[], secrets: string[]) {
  const hits: string[] = [];
  let samples = 0;
  const procs = hosts.map((n) => {
    const address = lab.hosts.find((h) => h.name === n)!.address;
    const p = spawn("ssh", ["-q", "-i", lab.privateKeyPath, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
      `root@${address}`, "while :; do ps -eo args; echo @@sample; sleep 0.05; done"], { stdio: ["ignore", "pipe", "ignore"] });
    let tail = "";
    p.stdout.on("data", (d: Buffer) => {
      const text = tail + d.toString("utf8");
      const lines = text.split("\n");
      tail = lines.pop() ?? "";
      for (const l of lines) {
        if (l === "@@sample") samples++;
        else if (secrets.some((x) => l.includes(x))) hits.push(`${n}: ${l}`);
      }
    });
    return p;
  });
  return { hits, samples: () => samples, stop: () => procs.forEach((p) => p.kill()) };
}
