import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LAB_DIR, labCommand } from "@/lab/client";
import { machineSnapshot } from "@/lab/snapshot";

// Runs last: the lab must leave the machine as it found it, and a stale lab
// left by a killed run must not break the next one.
const before = process.env.WARREN_LAB_BEFORE;

describe("lab teardown", () => {
  it("down leaves netns, links, mounts and processes as they were before up", () => {
    if (!before) throw new Error("WARREN_LAB_BEFORE (a snapshot taken before `up`) is not set: run through npm test");
    labCommand("down");
    expect(machineSnapshot()).toEqual(JSON.parse(fs.readFileSync(before, "utf8")));
  }, 120_000);

  it("up clears a stale lab left by a killed run, and down is safe on nothing", () => {
    const snap = machineSnapshot();
    // The pieces a killed `up` leaves: a namespace, a bridge, a veth and host directories with no state file.
    execFileSync("ip", ["netns", "add", "wrn-node1"]);
    execFileSync("ip", ["link", "add", "wrn-br0", "type", "bridge"]);
    execFileSync("ip", ["link", "add", "wrn-v2", "type", "veth", "peer", "name", "wrn-p2"]);
    fs.mkdirSync(path.join(LAB_DIR, "hosts", "node1", "upper"), { recursive: true });
    const lab = JSON.parse(labCommand("up", "--hosts", "2"));
    expect(lab.hosts.map((h: { name: string }) => h.name)).toEqual(["node1", "node2"]);
    const status = JSON.parse(labCommand("status", "--json"));
    expect(status.hosts.map((h: { state: string }) => h.state)).toEqual(["running", "running"]);
    labCommand("down");
    labCommand("down");
    expect(machineSnapshot()).toEqual(snap);
  }, 180_000);
});
