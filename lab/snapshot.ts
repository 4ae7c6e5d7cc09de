// What the lab could leave behind on the machine: network namespaces, links,
// mounts, and processes outside the machine's own PID namespace or of nspawn.
// `down` must bring this back to what it was before `up`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8" });

export function machineSnapshot(): { netns: string[]; links: string[]; mounts: string[]; processes: string[] } {
  const netns = sh("ip", ["netns", "list"]).split("\n").map((l) => l.split(" ")[0]).filter(Boolean).sort();
  const links = sh("ip", ["-o", "link", "show"]).split("\n").map((l) => l.split(": ")[1]?.split("@")[0]).filter(Boolean).sort();
  const mounts = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" ")[4]).filter(Boolean).sort();
  const myNs = fs.readlinkSync("/proc/self/ns/pid");
  const processes: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const ns = fs.readlinkSync(`/proc/${pid}/ns/pid`);
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      // Empty command lines are zombies being reaped or kernel threads: they hold nothing.
      if (cmd && (ns !== myNs || /systemd-nspawn|wrn-node/.test(cmd))) processes.push(cmd);
    } catch { /* exited meanwhile */ }
  }
  return { netns, links, mounts, processes: processes.sort() };
}

if (require.main === module) console.log(JSON.stringify(machineSnapshot()));
