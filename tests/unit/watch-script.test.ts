import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { WATCH_SCRIPT } from "@/lib/health/watch";

// The watch command run for real by bash, under `timeout` as Warren runs it,
// against a stand-in systemctl that prints what a file says (`systemctl show`
// blocks as captured on lab node1; nothing at all for a busy systemd).

const started: ChildProcess[] = [];
afterEach(() => { for (const c of started.splice(0)) c.kill("SIGKILL"); });

function watch(answer: string, o: { lb?: boolean; standInIp?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-watch-"));
  const file = path.join(dir, "answer");
  fs.writeFileSync(file, answer);
  fs.writeFileSync(path.join(dir, "systemctl"), `#!/bin/sh\ncat "${file}"\n`, { mode: 0o755 });
  if (o.standInIp) {
    // `ip ... addr show` prints the addresses file; `ip monitor` prints a line for each line written to the events fifo.
    fs.writeFileSync(path.join(dir, "addrs"), "2: eth0    inet 10.213.77.12/24 brd 10.213.77.255 scope global eth0\n");
    execFileSync("mkfifo", [path.join(dir, "events")]);
    fs.writeFileSync(path.join(dir, "ip"), `#!/bin/bash\ncase "$*" in\n  *monitor*) exec 3<>"${dir}/events"; while read -r l <&3; do echo "$l"; done ;;\n  *) cat "${dir}/addrs" ;;\nesac\n`, { mode: 0o755 });
    // HAProxy's statistics, slowly (as a loaded host answers): a header, a pause, a row.
    fs.writeFileSync(path.join(dir, "socat"), "#!/bin/sh\ncat >/dev/null\necho '# pxname,svname,status,'\nsleep 0.3\necho 'rabbitmq_amqp,node1,UP,'\n", { mode: 0o755 });
  }
  const child = spawn("timeout", ["-k", "2", "60", "bash", "-c", WATCH_SCRIPT, "watch", o.lb ? "lb" : "-", "rabbitmq-server"], {
    env: { ...process.env, PATH: `${dir}:/usr/sbin:/usr/bin:/sbin:/bin` }, stdio: ["ignore", "pipe", "ignore"],
  });
  started.push(child);
  const lines: string[] = [];
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
  });
  return {
    child, lines, answer: (s: string) => fs.writeFileSync(file, s), units: () => lines.filter((l) => l.startsWith("@units")),
    /** The host's addresses change: the file `ip addr show` prints, then an event on the monitor. */
    address: (line: string) => { fs.writeFileSync(path.join(dir, "addrs"), line + "\n"); fs.writeFileSync(path.join(dir, "events"), "event\n"); },
  };
}

async function until(what: string, f: () => boolean, ms = 8000) {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const block = (state: string, pid: number) => `MainPID=${pid}\nControlGroup=${state === "inactive" ? "" : "/system.slice/rabbitmq-server.service"}\nActiveState=${state}\n`;

describe("the watch command", () => {
  it("an empty systemctl answer changes nothing and is asked again; a main process gone is asked at once", async () => {
    const w = watch("");
    await until("heartbeats", () => w.lines.filter((l) => l.startsWith("@tick")).length >= 3);
    expect(w.units()).toEqual([]); // never "@units " with every unit unknown

    const broker = spawn("sleep", ["60"]);
    started.push(broker);
    w.answer(block("activating", broker.pid!));
    await until("the retry while systemd was busy", () => w.units().length === 1);
    expect(w.units()).toEqual(["@units activating "]);

    w.answer(block("active", broker.pid!));
    await until("activating becomes active (asked every 2 s while between states)", () => w.units().length === 2);
    expect(w.units()[1]).toBe("@units active ");

    // Settled now: only the main process vanishing (or a cgroup change, or 10 s) asks again.
    w.answer(block("failed", 0));
    broker.kill("SIGKILL");
    await until("the crash", () => w.units().length === 3, 3000);
    expect(w.units()[2]).toBe("@units failed ");
  }, 20_000);

  it("when the reader goes, the watch and its address monitor go too", async () => {
    const w = watch(block("inactive", 0));
    await until("the first addresses", () => w.lines.some((l) => l.startsWith("@addrs")));
    const group = w.child.pid!; // `timeout` leads the group
    const members = () => execFileSync("ps", ["-eo", "pgid=,comm="], { encoding: "utf8" }).split("\n").filter((l) => l.trim().split(/\s+/)[0] === String(group));
    expect(members().some((l) => / ip$/.test(l))).toBe(true);
    w.child.stdout!.destroy();
    await until("nothing left of the watch's group", () => members().length === 0);
  }, 20_000);

  it("an address change while HAProxy's statistics are being written is never written inside them, and is seen at once", async () => {
    const w = watch(block("inactive", 0), { lb: true, standInIp: true });
    await until("the first statistics", () => w.lines.includes("@end"));
    // Addresses change many times, some of them while a slow statistics block is open.
    for (let i = 0; i < 25; i++) {
      w.address(`2: eth0    inet 10.213.77.12/24 scope global eth0\n2: eth0    inet 10.213.77.${100 + i}/24 scope global secondary eth0`);
      await new Promise((r) => setTimeout(r, 120));
    }
    await until("the last change", () => w.lines.some((l) => l.startsWith("@addrs") && l.includes("10.213.77.124/24")), 3000);
    let open = false;
    for (const l of w.lines) {
      if (l === "@stat") open = true;
      else if (l === "@end") open = false;
      else if (open) expect(l.startsWith("@"), `a tag inside a statistics block: ${l}`).toBe(false);
    }
  }, 20_000);
});
