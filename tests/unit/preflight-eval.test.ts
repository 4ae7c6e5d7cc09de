import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { commonVersions, evaluate, parseFacts, type NodeFacts } from "@/lib/hosts/facts";

// Captured from a fresh lab host (node1, Debian 12, empty apt lists) by running
// FACTS_SCRIPT over SSH with peers node2=10.213.77.12 node3=10.213.77.13 down.
const fresh = fs.readFileSync(`${__dirname}/../fixtures/preflight-facts-debian12-fresh.txt`, "utf8");

describe("parseFacts", () => {
  it("reads a real fresh host", () => {
    const f = parseFacts(fresh);
    expect(f.probe.hostname).toBe("node1");
    expect(f).toMatchObject({ staleData: false, installed: false, resolves: { node2: null, node3: null } });
    expect(f.diskFreeKb).toBeGreaterThan(0);
    expect(f.ports).toContainEqual({ peer: "node2", port: 25672, open: false });
  });

  it("lists the versions the package source offers, newest first, even with empty apt lists", () => {
    expect(parseFacts(fresh).versions).toEqual({ rabbitmq: ["3.10.8-1.1+deb12u1"], erlang: ["1:25.2.3+dfsg-1+deb12u4", "1:25.2.3+dfsg-1+deb12u1"] });
  });
});

describe("commonVersions", () => {
  it("keeps what every reachable host offers, in order", () => {
    const a = parseFacts(fresh);
    const b: NodeFacts = { ...a, versions: { rabbitmq: ["3.10.8-1.1+deb12u1"], erlang: ["1:25.2.3+dfsg-1+deb12u1"] } };
    expect(commonVersions({ node1: a, node2: b, node3: { error: "unreachable" } })).toEqual({ rabbitmq: ["3.10.8-1.1+deb12u1"], erlang: ["1:25.2.3+dfsg-1+deb12u1"] });
  });
});

describe("evaluate", () => {
  const nodes = [{ name: "node1", address: "10.213.77.11", seed: true }, { name: "node2", address: "10.213.77.12", seed: false }];
  const facts = { node1: parseFacts(fresh), node2: { error: "10.213.77.12:22 did not answer within 10s (host down or network cut?)" } };

  it("names the host and the cause, with a fix", () => {
    const f = evaluate(nodes, facts, { manageHostsFile: false, now: parseFacts(fresh).clock! * 1000 });
    expect(f).toContainEqual(expect.objectContaining({ host: "node2", check: "SSH", level: "fail", message: expect.stringContaining("did not answer") }));
    expect(f).toContainEqual(expect.objectContaining({ host: "node1", check: "name resolution", level: "fail", message: "node1 resolves node2 to nothing, not 10.213.77.12" }));
    expect(f.find((x) => x.check === "clock")).toMatchObject({ level: "ok" });
  });

  it("offers the /etc/hosts block instead of failing when Warren manages it; ports of peers without RabbitMQ are not judged", () => {
    const f = evaluate(nodes, facts, { manageHostsFile: true, now: Date.now() });
    expect(f.find((x) => x.check === "name resolution")).toMatchObject({ level: "info" });
    expect(f.some((x) => x.check === "ports")).toBe(false);
  });
});
