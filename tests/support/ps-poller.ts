import { spawn } from "node:child_process";
import type { Lab } from "../../lab/client";

/**
 * Samples every process's arguments on the hosts (ps, every 50 ms) for as
 * long as it runs, and remembers each sample line holding one of the secrets;
 * also the mode and owner of every file matching `watchFiles` (a glob) seen.
 */
export function psPoller(lab: Lab, hosts: string[], secrets: string[], watchFiles = "/var/lib/rabbitmq/warren-import.*") {
  const hits: string[] = [];
  const files = new Map<string, string>();
  let samples = 0;
  const procs = hosts.map((n) => {
    const address = lab.hosts.find((h) => h.name === n)!.address;
    const p = spawn("ssh", ["-q", "-i", lab.privateKeyPath, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
      `root@${address}`, `while :; do ps -eo args; stat -c '@@file %a %U %n' ${watchFiles} 2>/dev/null; echo @@sample; sleep 0.05; done`], { stdio: ["ignore", "pipe", "ignore"] });
    let tail = "";
    p.stdout.on("data", (d: Buffer) => {
      const text = tail + d.toString("utf8");
      const lines = text.split("\n");
      tail = lines.pop() ?? "";
      for (const l of lines) {
        if (l === "@@sample") samples++;
        else if (l.startsWith("@@file ")) {
          const [, mode, owner, file] = l.split(" ");
          files.set(`${n}:${file}`, `${mode} ${owner}`);
        }
        else if (secrets.some((x) => l.includes(x))) hits.push(`${n}: ${l}`);
      }
    });
    return p;
  });
  /** Each watched file seen, as "host:path" → "mode owner". */
  return { hits, files, samples: () => samples, stop: () => procs.forEach((p) => p.kill()) };
}
