import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLUSTER_HEALTHY, JOINED, RUNNING_IN_CLUSTER } from "@/lib/rabbitmq/scripts";

// The gates' shell, as sent, run for real by sh. Their rabbitmqctl function
// runs the real tool through runuser: a stand-in runuser prints
// `cluster_status --formatter json` as captured on lab node1 (3.10.8,
// node1+node2 disc, node3 ram), unchanged or with an alarm or a partition.
const captured = fs.readFileSync(path.join(__dirname, "../fixtures/cluster-status-3.10-disc2-ram1.json"), "utf8");

function gate(script: string, status: string, ...args: string[]): { code: number; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-gate-"));
  fs.writeFileSync(path.join(dir, "status.json"), status);
  fs.writeFileSync(path.join(dir, "runuser"), `#!/bin/sh\ncase "$*" in *"/rabbitmqctl -q cluster_status --formatter json") cat "${dir}/status.json" ;; *) exit 99 ;; esac\n`, { mode: 0o755 });
  try {
    return { code: 0, out: execFileSync("sh", ["-c", script, "gate", ...args], { env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" }) };
  } catch (e) {
    const x = e as { status: number; stdout: string };
    return { code: x.status, out: x.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}
const withField = (field: string, value: unknown) => JSON.stringify({ ...JSON.parse(captured), [field]: value }, null, 2);

describe("the health gates' shell", () => {
  it("a healthy cluster passes: no alarms, no partitions", () => {
    expect(gate(CLUSTER_HEALTHY, captured)).toEqual({ code: 0, out: "" });
  });
  it("a resource alarm stops it and is named", () => {
    const r = gate(CLUSTER_HEALTHY, withField("alarms", [{ node: "rabbit@node1", resource: "memory", type: "resource_alarm" }]));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^resource alarms: .*memory/);
  });
  it("a partition stops it and is named", () => {
    const r = gate(CLUSTER_HEALTHY, withField("partitions", { "rabbit@node1": ["rabbit@node3"] }));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^network partitions: .*rabbit@node3/);
  });
  it("joined and running read the captured lists", () => {
    expect(gate(JOINED, captured, "rabbit@node1", "ram", "rabbit@node3").code).toBe(0);
    expect(gate(JOINED, captured, "rabbit@node1", "disk", "rabbit@node3").code).not.toBe(0);
    expect(gate(RUNNING_IN_CLUSTER, captured, "rabbit@node2").code).toBe(0);
    expect(gate(RUNNING_IN_CLUSTER, captured, "rabbit@node9").code).not.toBe(0);
  });
});
