import { describe, expect, it } from "vitest";
import { executeRun, outcome, type RunControl } from "@/lib/ops/engine/execute";
import { Runner } from "@/lib/ops/engine/scheduler";
import { canTransition, RUN_STATUSES, STEP_STATUSES } from "@/lib/ops/engine/types";
import { RunStatus, StepStatus } from "@/lib/generated/prisma/enums";
import type { Plan, Step } from "@/lib/ops/plan";
import { FakeHosts, MemoryStore } from "../support/memory-store";

// The engine's state machine with an in-process executor: scheduling,
// checks, units, stops, gates, pauses and file rollbacks, without hosts.
// The integration suite proves the same on lab hosts over SSH.

const cmd = (host: string, key: string, extra: Partial<Extract<Step, { kind: "command" }>> = {}): Step =>
  ({ kind: "command", key, title: key, host, argv: ["do", key], ...extra });
const control = (): RunControl => ({ abort: new AbortController(), stopAfterStep: false });

async function run(store: MemoryStore, hosts: FakeHosts, runId: string, c = control()) {
  return executeRun({ store, executor: hosts }, runId, c);
}

describe("statuses", () => {
  it("are the database's enums, and only the table's transitions are allowed", () => {
    expect([...RUN_STATUSES].sort()).toEqual(Object.values(RunStatus).sort());
    expect([...STEP_STATUSES].sort()).toEqual(Object.values(StepStatus).sort());
    expect(canTransition("running", "paused")).toBe(true);
    expect(canTransition("succeeded", "queued")).toBe(false);
    expect(canTransition("paused", "queued")).toBe(true);
  });

  it("a run's outcome: failure beats a stop; a stop after the last step changes nothing", () => {
    expect(outcome({ paused: false, failed: true, aborted: false, stopAsked: true, unfinished: true })).toBe("failed");
    expect(outcome({ paused: false, failed: false, aborted: false, stopAsked: true, unfinished: false })).toBe("succeeded");
    expect(outcome({ paused: false, failed: true, aborted: true, stopAsked: false, unfinished: true })).toBe("cancelled");
    expect(outcome({ paused: true, failed: false, aborted: false, stopAsked: false, unfinished: true })).toBe("paused");
  });
});

describe("scheduling", () => {
  it("runs phases in order, hosts in parallel, or one host at a time in the explicit order", async () => {
    const store = new MemoryStore();
    const order: string[] = [];
    const hosts = new FakeHosts().on("*", "do", async (c) => { order.push(`${c.host}:${c.argv[1]}:start`); await new Promise((r) => setTimeout(r, 5)); order.push(`${c.host}:${c.argv[1]}:end`); });
    const plan: Plan = { type: "t", phases: [
      { title: "parallel", steps: [cmd("a", "p1"), cmd("b", "p2")] },
      { title: "one at a time", oneHostAtATime: true, order: ["c", "a"], steps: [cmd("a", "s1"), cmd("c", "s2")] },
    ] };
    const r = store.add(plan);
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    // Both parallel steps start before either ends; the ordered phase runs c before a, one after the other.
    expect(order.slice(0, 2).sort()).toEqual(["a:p1:start", "b:p2:start"]);
    expect(order.slice(4)).toEqual(["c:s2:start", "c:s2:end", "a:s1:start", "a:s1:end"]);
  });

  it("an in-order phase runs each step after the one before, whatever its host", async () => {
    const store = new MemoryStore();
    const order: string[] = [];
    const hosts = new FakeHosts().on("*", "do", async (c) => { order.push(`${c.host}:${c.argv[1]}:start`); await new Promise((r) => setTimeout(r, 5)); order.push(`${c.host}:${c.argv[1]}:end`); });
    const plan: Plan = { type: "t", phases: [{ title: "in order", inOrder: true, steps: [cmd("lb1", "out"), cmd("node", "stop"), cmd("lb1", "in")] }] };
    expect(await run(store, hosts, store.add(plan).id)).toBe("succeeded");
    expect(order).toEqual(["lb1:out:start", "lb1:out:end", "node:stop:start", "node:stop:end", "lb1:in:start", "lb1:in:end"]);
  });

  it("one run at a time per cluster; runs of different clusters in parallel", async () => {
    const store = new MemoryStore();
    let live = 0, most = 0;
    const hosts = new FakeHosts().on("*", "do", async () => { live++; most = Math.max(most, live); await new Promise((r) => setTimeout(r, 20)); live--; });
    const plan = (k: string): Plan => ({ type: "t", phases: [{ title: "p", steps: [cmd("h", k)] }] });
    store.add(plan("x"), "c1"); store.add(plan("y"), "c1"); store.add(plan("z"), "c2");
    const runner = new Runner({ store, executor: hosts }, 10);
    await runner.idle();
    expect(most).toBe(2);
    expect([...store.runs.values()].map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });
});

describe("checks, failures and retry", () => {
  it("skips a step whose check passes and never runs its command", async () => {
    const store = new MemoryStore();
    const hosts = new FakeHosts().on("a", "check", () => ({ exitCode: 0 }));
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("a", "one", { check: ["check"] }), cmd("a", "two")] }] });
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(store.statuses(r.id)).toEqual({ one: "skipped", two: "done" });
    expect(hosts.ran("a", "do one")).toHaveLength(0);
  });

  it("a failed step stops the run with its exit code and stderr; retry resumes from it and keeps what is done", async () => {
    const store = new MemoryStore();
    let broken = true;
    const hosts = new FakeHosts().on("a", "do two", () => (broken ? { exitCode: 69, stderr: "Error: unable to perform an operation on node" } : {}));
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("a", "one"), cmd("a", "two"), cmd("a", "three")] }, { title: "q", steps: [cmd("b", "four")] }] });
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(store.statuses(r.id)).toEqual({ one: "done", two: "failed", three: "pending", four: "pending" });
    expect(store.step(r.id, "two")).toMatchObject({ exitCode: 69, stderrTail: "Error: unable to perform an operation on node" });
    expect(store.runs.get(r.id)!.error).toMatch(/^a: exited with 69/);
    broken = false;
    store.retry(r.id);
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(hosts.ran("a", "do one")).toHaveLength(1);
    expect(hosts.ran("a", "do two")).toHaveLength(2);
    expect(store.text(r.id)).toContain("resuming: finished steps are kept");
  });

  it("a run interrupted by a crash is marked interrupted at its step and resumes there", async () => {
    const store = new MemoryStore();
    const hosts = new FakeHosts();
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("a", "one"), cmd("a", "two")] }] });
    // What a crash leaves: the run and one step still "running".
    Object.assign(store.runs.get(r.id)!, { status: "running" });
    Object.assign(store.step(r.id, "one"), { status: "done" });
    Object.assign(store.step(r.id, "two"), { status: "running", startedAt: 1 });
    const runner = new Runner({ store, executor: hosts }, 10);
    await runner.start();
    runner.stop();
    expect(store.runs.get(r.id)!.status).toBe("interrupted");
    expect(store.step(r.id, "two").status).toBe("interrupted");
    expect(store.text(r.id)).toContain("interrupted: Warren stopped");
    store.retry(r.id);
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(hosts.ran("a", "do one")).toHaveLength(0);
    expect(hosts.ran("a", "do two")).toHaveLength(1);
  });

  it("an unreachable host fails its step with the SSH layer's message", async () => {
    const store = new MemoryStore();
    const { SshError } = await import("@/lib/ssh/errors");
    const hosts = new FakeHosts().on("a", "do", () => { throw new SshError("unreachable", "10.0.0.1:22 did not answer within 10s (host down or network cut?)", { host: "a" }); });
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("a", "one")] }] });
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(store.step(r.id, "one").note).toMatch(/did not answer/);
  });
});

describe("units", () => {
  const unit = (): Plan => ({ type: "t", phases: [{ title: "join", steps: [
    cmd("n2", "stop_app", { group: "j", check: ["joined"] }), cmd("n2", "reset", { group: "j" }), cmd("n2", "join", { group: "j" }), cmd("n2", "start_app", { group: "j" }),
    cmd("n2", "after"),
  ] }] });

  it("is skipped as a whole when its check passes, asked once", async () => {
    const store = new MemoryStore();
    const hosts = new FakeHosts().on("n2", "joined", () => ({ exitCode: 0 }));
    const r = store.add(unit());
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(store.statuses(r.id)).toMatchObject({ stop_app: "skipped", reset: "skipped", join: "skipped", start_app: "skipped", after: "done" });
    expect(hosts.ran("n2", "joined")).toHaveLength(1);
  });

  it("is restarted from its first step when a retry finds it unfinished", async () => {
    const store = new MemoryStore();
    let fail = true;
    const hosts = new FakeHosts().on("n2", "joined", () => ({ exitCode: 1 })).on("n2", "do join", () => (fail ? { exitCode: 69 } : {}));
    const r = store.add(unit());
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(store.statuses(r.id)).toMatchObject({ stop_app: "done", reset: "done", join: "failed", start_app: "pending" });
    fail = false;
    store.retry(r.id);
    store.runs.get(r.id)!.steps.forEach((s) => { if (s.key !== "after") s.status = "pending"; });
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(hosts.ran("n2", "do stop_app")).toHaveLength(2);
    expect(hosts.ran("n2", "do reset")).toHaveLength(2);
  });

  it("a gentle stop lets the unit in progress finish and starts nothing after it", async () => {
    const store = new MemoryStore();
    const c = control();
    const hosts = new FakeHosts().on("n2", "joined", () => ({ exitCode: 1 })).on("n2", "do reset", () => { c.stopAfterStep = true; });
    const r = store.add(unit());
    expect(await run(store, hosts, r.id, c)).toBe("cancelled");
    expect(store.statuses(r.id)).toMatchObject({ stop_app: "done", reset: "done", join: "done", start_app: "done", after: "pending" });
    expect(store.runs.get(r.id)!.error).toMatch(/stopped by an operator after the steps in progress finished/);
  });

  it("abort kills the command in progress and ends the run cancelled", async () => {
    const store = new MemoryStore();
    const c = control();
    const { SshError } = await import("@/lib/ssh/errors");
    const hosts = new FakeHosts().on("n2", "joined", () => ({ exitCode: 1 })).on("n2", "do reset", async (_call, o) => {
      c.abort.abort();
      if (o.signal?.aborted) throw new SshError("aborted", "cancelled: reset", { host: "n2" });
    });
    const r = store.add(unit());
    expect(await run(store, hosts, r.id, c)).toBe("cancelled");
    expect(store.statuses(r.id)).toMatchObject({ stop_app: "done", reset: "cancelled", join: "pending" });
    expect(store.runs.get(r.id)!.error).toMatch(/aborted by an operator/);
  });
});

describe("gates and pauses", () => {
  const gate = (timeoutMs: number): Step => ({ kind: "gate", key: "sync", title: "Mirrors synchronised", host: "n1", argv: ["synced"], waitingFor: "mirrors to synchronise", intervalMs: 5, timeoutMs });

  it("a gate polls until its check passes, showing its latest output", async () => {
    const store = new MemoryStore();
    let left = 3;
    const hosts = new FakeHosts().on("n1", "synced", () => (--left > 0 ? { exitCode: 1, stdout: `${left} of 5 queues unsynchronised` } : { exitCode: 0, stdout: "all synchronised" }));
    const r = store.add({ type: "t", phases: [{ title: "wait", steps: [gate(5000)] }] });
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(store.text(r.id)).toContain("waiting for mirrors to synchronise: 2 of 5 queues unsynchronised");
    expect(store.text(r.id)).toContain("waiting for mirrors to synchronise: 1 of 5 queues unsynchronised");
    expect(store.step(r.id, "sync").note).toBe("all synchronised");
  });

  it("a gate that times out fails the run with its last output", async () => {
    const store = new MemoryStore();
    const hosts = new FakeHosts().on("n1", "synced", () => ({ exitCode: 1, stdout: "3 of 5 queues unsynchronised" }));
    const r = store.add({ type: "t", phases: [{ title: "wait", steps: [gate(60)] }, { title: "next", steps: [cmd("n1", "next")] }] });
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(store.step(r.id, "sync").note).toMatch(/gave up waiting for mirrors to synchronise after 0 s; last output: 3 of 5 queues unsynchronised/);
    expect(store.step(r.id, "next").status).toBe("pending");
  });

  it("a pause stops the run as paused until Continue; the next phase then runs", async () => {
    const store = new MemoryStore();
    const hosts = new FakeHosts();
    const r = store.add({ type: "t", phases: [
      { title: "node1", steps: [cmd("n1", "upgrade1")] },
      { title: "pause", steps: [{ kind: "pause", key: "pause:1", title: "Pause before node2", host: "", message: "node1 is upgraded; check it before node2" }] },
      { title: "node2", steps: [cmd("n2", "upgrade2")] },
    ] });
    expect(await run(store, hosts, r.id)).toBe("paused");
    expect(store.statuses(r.id)).toEqual({ upgrade1: "done", "pause:1": "waiting", upgrade2: "pending" });
    expect(store.step(r.id, "pause:1").note).toBe("node1 is upgraded; check it before node2");
    store.continue(r.id);
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(hosts.ran("n1", "do upgrade1")).toHaveLength(1);
    expect(hosts.ran("n2", "do upgrade2")).toHaveLength(1);
  });
});

describe("file steps", () => {
  const file = (extra: Partial<Extract<Step, { kind: "file" }>> = {}): Step => ({
    kind: "file", key: "cfg", title: "HAProxy configuration", host: "lb1", path: "/etc/haproxy/haproxy.cfg", content: "stats auth admin:{{secret:statsPassword}}\n",
    mode: "0640", validate: ["haproxy", "-c", "-f", "{file}"], then: ["systemctl", "reload", "haproxy"], verify: ["stats-answer"], ...extra,
  });
  const kindOf = (k: string) => (argv: string[]) => argv[0] === "sh" && argv[3] === k;

  it("fills secrets into the content on stdin, validates the candidate, swaps, reloads, verifies", async () => {
    const store = new MemoryStore();
    store.secretValues.statsPassword = "s3cret-stats";
    const hosts = new FakeHosts().on("lb1", kindOf("in-place"), () => ({ exitCode: 1 }));
    const r = store.add({ type: "t", phases: [{ title: "lb", steps: [file()] }] });
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(hosts.ran("lb1", kindOf("upload"))[0].stdin).toBe("stats auth admin:s3cret-stats\n");
    expect(hosts.ran("lb1", "haproxy -c -f /etc/haproxy/haproxy.cfg.warren-new")).toHaveLength(1);
    expect(hosts.ran("lb1", kindOf("swap"))).toHaveLength(1);
    expect(hosts.ran("lb1", "systemctl reload haproxy")).toHaveLength(1);
    expect(hosts.calls.every((c) => !c.argv.join(" ").includes("s3cret-stats"))).toBe(true);
  });

  it("a file whose validation fails is never installed, and the run shows the validator's words", async () => {
    const store = new MemoryStore();
    store.secretValues.statsPassword = "s3cret-stats";
    const hosts = new FakeHosts().on("lb1", kindOf("in-place"), () => ({ exitCode: 1 }))
      .on("lb1", "haproxy -c", () => ({ exitCode: 1, stderr: "[ALERT] Starting frontend amqp: cannot bind socket (Address already in use) [0.0.0.0:5672]" }));
    const r = store.add({ type: "t", phases: [{ title: "lb", steps: [file()] }] });
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(hosts.ran("lb1", kindOf("swap"))).toHaveLength(0);
    expect(hosts.ran("lb1", "rm -f /etc/haproxy/haproxy.cfg.warren-new")).toHaveLength(1);
    expect(store.step(r.id, "cfg").note).toMatch(/failed validation on the host.*not installed/);
    expect(store.step(r.id, "cfg").stderrTail).toContain("cannot bind socket");
  });

  it("a failed verification restores the previous file and runs the reload again", async () => {
    const store = new MemoryStore();
    store.secretValues.statsPassword = "x";
    const hosts = new FakeHosts().on("lb1", kindOf("in-place"), () => ({ exitCode: 1 })).on("lb1", "stats-answer", () => ({ exitCode: 7 }));
    const r = store.add({ type: "t", phases: [{ title: "lb", steps: [file()] }] });
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(hosts.ran("lb1", kindOf("rollback"))).toHaveLength(1);
    expect(hosts.ran("lb1", "systemctl reload haproxy")).toHaveLength(2);
    expect(store.step(r.id, "cfg").note).toMatch(/rolled back \/etc\/haproxy\/haproxy.cfg to its previous version/);
  });

  it("a later failure in the same unit rolls the file back", async () => {
    const store = new MemoryStore();
    store.secretValues.statsPassword = "x";
    const hosts = new FakeHosts().on("lb1", kindOf("in-place"), () => ({ exitCode: 1 })).on("lb1", "do restart-keepalived", () => ({ exitCode: 1, stderr: "failed" }));
    const r = store.add({ type: "t", phases: [{ title: "lb", steps: [file({ group: "lb" }), cmd("lb1", "restart-keepalived", { group: "lb" })] }] });
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(hosts.ran("lb1", kindOf("rollback"))).toHaveLength(1);
    expect(store.runs.get(r.id)!.error).toMatch(/rolled back \/etc\/haproxy\/haproxy.cfg/);
    expect(store.text(r.id)).toMatch(/rolled back \/etc\/haproxy\/haproxy.cfg to its previous version and ran its follow-up again/);
  });

  it("a file already in place is skipped, unless the step began before (a reload may be missing)", async () => {
    const store = new MemoryStore();
    store.secretValues.statsPassword = "x";
    const hosts = new FakeHosts().on("lb1", kindOf("in-place"), () => ({ exitCode: 0 }));
    const r = store.add({ type: "t", phases: [{ title: "lb", steps: [file()] }] });
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(store.step(r.id, "cfg").status).toBe("skipped");
    const r2 = store.add({ type: "t", phases: [{ title: "lb", steps: [file()] }] });
    store.step(r2.id, "cfg").startedAt = 1;
    expect(await run(store, hosts, r2.id)).toBe("succeeded");
    expect(store.step(r2.id, "cfg").status).toBe("done");
  });
});

describe("secrets", () => {
  it("reach a command on stdin only, are masked in the log, and a missing one fails clearly", async () => {
    const store = new MemoryStore();
    store.secretValues.erlangCookie = "cookie-value-123";
    const hosts = new FakeHosts().on("n1", "do echo", (c) => ({ stdout: `got ${c.stdin}\n` }));
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [
      cmd("n1", "echo", { stdin: { secret: "erlangCookie" } }),
      cmd("n1", "admin", { stdin: { secret: "managementPassword" } }),
    ] }] });
    expect(await run(store, hosts, r.id)).toBe("failed");
    expect(hosts.ran("n1", "do echo")[0].stdin).toBe("cookie-value-123");
    expect(hosts.calls.every((c) => !c.argv.join(" ").includes("cookie-value-123"))).toBe(true);
    expect(store.step(r.id, "admin").note).toBe("the cluster has no managementPassword yet");
    expect(store.text(r.id)).toContain("got ***");
    expect(store.text(r.id)).not.toContain("cookie-value-123");
  });

  it("a rotation's steps get the new value, the others the current one; both masked", async () => {
    const store = new MemoryStore();
    store.secretValues.managementPassword = "old-password-123";
    store.nextValues.managementPassword = "new-password-456";
    const hosts = new FakeHosts().on("n1", "do set", (c) => ({ stdout: `set ${c.stdin}\n` })).on("n1", "do old", (c) => ({ stdout: `old ${c.stdin}\n` }));
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [
      cmd("n1", "old", { stdin: { secret: "managementPassword" } }),
      cmd("n1", "set", { stdin: { secret: "managementPassword", next: true } }),
    ] }] });
    expect(await run(store, hosts, r.id)).toBe("succeeded");
    expect(hosts.ran("n1", "do old")[0].stdin).toBe("old-password-123");
    expect(hosts.ran("n1", "do set")[0].stdin).toBe("new-password-456");
    expect(store.text(r.id)).not.toMatch(/old-password-123|new-password-456/);
  });

  it("a rotation step without a prepared value fails clearly", async () => {
    const store = new MemoryStore();
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("n1", "set", { stdin: { secret: "managementPassword", next: true } })] }] });
    expect(await run(store, new FakeHosts(), r.id)).toBe("failed");
    expect(store.step(r.id, "set").note).toBe("no new managementPassword was prepared for this run");
  });
});

describe("several instances: ownership and fencing", () => {
  it("a runner runs only the clusters it owns; when its lease is lost mid-run it stops before the next command, writes nothing more, and leaves the run for the new owner, who resumes at the step (its check decides)", async () => {
    const store = new MemoryStore();
    let held = true;
    const hosts = new FakeHosts().on("a", "do one", () => { held = false; return {}; }).on("a", "check two", () => ({ exitCode: 1 }));
    const mine = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("a", "one"), cmd("a", "two", { check: ["check", "two"] })] }] }, "c1");
    const theirs = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("b", "x")] }] }, "c2");
    const lost = Object.assign(new Error("lease lost"), { name: "LeaseLostError" });
    const ownership = { owns: (c: string) => c === "c1" && held, epochOf: () => 1, fence: async () => { if (!held) throw lost; }, resumeOrphans: true };
    const a = new Runner({ store, executor: hosts }, 10, ownership);
    await a.start();
    await new Promise((r) => setTimeout(r, 100));
    a.stop();
    expect(hosts.ran("b", "do x")).toHaveLength(0);
    expect(store.runs.get(theirs.id)!.status).toBe("queued");
    // The fence fell after "one" ran: "one" could not even be recorded, "two" never started.
    expect(hosts.ran("a", "do two")).toHaveLength(0);
    expect(store.runs.get(mine.id)!.status).toBe("running");
    expect(store.statuses(mine.id)).toEqual({ one: "running", two: "pending" });
    // Another instance takes c1 over: "one" has no check, so the run waits for a person; "two" alone would resume.
    const b = new Runner({ store, executor: hosts }, 10, { owns: () => true, epochOf: () => 2, fence: async () => {}, resumeOrphans: true });
    await b.adopt("c1", true);
    expect(store.runs.get(mine.id)!.status).toBe("interrupted");
    expect(store.text(mine.id)).toContain('step "one"');
    Object.assign(store.runs.get(mine.id)!, { status: "running" });
    Object.assign(store.step(mine.id, "one"), { status: "done" });
    Object.assign(store.step(mine.id, "two"), { status: "running", startedAt: 1 });
    await b.adopt("c1", true);
    expect(["queued", "running"]).toContain(store.runs.get(mine.id)!.status); // back in the queue (b may have claimed it already)
    await b.idle();
    expect(store.runs.get(mine.id)!.status).toBe("succeeded");
    expect(hosts.ran("a", "check two")).toHaveLength(1);
    expect(hosts.ran("a", "do two")).toHaveLength(1);
    expect(hosts.ran("a", "do one")).toHaveLength(1);
  });

  it("the holder adopts a run of its cluster left running by nobody here (a late claim of a process that is gone)", async () => {
    const store = new MemoryStore();
    const hosts = new FakeHosts();
    const r = store.add({ type: "t", phases: [{ title: "p", steps: [cmd("a", "one", { check: ["check", "one"] }), cmd("a", "two")] }] }, "c1");
    Object.assign(store.runs.get(r.id)!, { status: "running" });
    Object.assign(store.step(r.id, "one"), { status: "running", startedAt: 1 });
    const runner = new Runner({ store, executor: hosts }, 10, { owns: () => true, epochOf: () => 1, fence: async () => {}, resumeOrphans: true });
    await runner.start();
    await runner.idle();
    runner.stop();
    expect(store.runs.get(r.id)!.status).toBe("succeeded");
    expect(store.text(r.id)).toContain("taken over");
  });
});
