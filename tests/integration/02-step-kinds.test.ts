import { afterAll, describe, expect, it } from "vitest";
import { sshOk, sshRun } from "@/lab/client";
import { executeRun, type RunControl } from "@/lib/ops/engine/execute";
import type { Executor } from "@/lib/ops/engine/types";
import type { Plan, Step } from "@/lib/ops/plan";
import { SshPool } from "@/lib/ssh";
import { MemoryStore } from "../support/memory-store";
import { labTarget, requireLab } from "../support/lab";

// The engine's step kinds on a real lab host over real SSH: the same runner
// code as in Warren, with an in-memory run store (the API suites exercise the
// SQLite store). Results are checked on the host with the system ssh client.
const lab = requireLab();
const HOST = "node6";
const pool = new SshPool();
const executor: Executor = { run: (host, argv, o) => pool.run(labTarget(lab, host), argv, o) };
const control = (): RunControl => ({ abort: new AbortController(), stopAfterStep: false });
afterAll(() => pool.closeAll());

const DIR = "/etc/warren-engine-test";
const FILE = `${DIR}/app.conf`;
// The "service" reads its configuration; validation is its own syntax check.
const validate = ["sh", "-c", 'grep -q "^port=[0-9][0-9]*$" "$1" || { echo "app: no valid port= line in $1" >&2; exit 1; }', "validate", "{file}"];
const fileStep = (content: string, extra: Partial<Extract<Step, { kind: "file" }>> = {}): Step => ({
  kind: "file", key: "conf", title: "App configuration", host: HOST, path: FILE, content, mode: "0640", validate,
  then: ["sh", "-c", `cp ${FILE} ${DIR}/running.conf`], verify: ["sh", "-c", `grep -q '^port=' ${DIR}/running.conf`], ...extra,
});
const cat = (f: string) => sshOk(lab, HOST, `cat ${f}`);

describe(`step kinds on ${HOST}`, () => {
  it("file: installs, keeps the previous version, and a file that fails validation is never installed", async () => {
    await sshOk(lab, HOST, `rm -rf ${DIR} && mkdir -p ${DIR} && printf 'port=1\\n' > ${FILE} && cp ${FILE} ${DIR}/running.conf`);
    const store = new MemoryStore();
    const ok = store.add({ type: "t", phases: [{ title: "deploy", steps: [fileStep("port=2\n")] }] });
    expect(await executeRun({ store, executor }, ok.id, control())).toBe("succeeded");
    expect(await cat(FILE)).toBe("port=2\n");
    expect(await cat(`${FILE}.warren-prev`)).toBe("port=1\n");
    expect(await cat(`${DIR}/running.conf`)).toBe("port=2\n");
    expect((await sshOk(lab, HOST, `stat -c %a ${FILE}`)).trim()).toBe("640");

    const bad = store.add({ type: "t", phases: [{ title: "deploy", steps: [fileStep("port=oops\n")] }] });
    expect(await executeRun({ store, executor }, bad.id, control())).toBe("failed");
    expect(await cat(FILE)).toBe("port=2\n");
    expect((await sshRun(lab, HOST, `test -e ${FILE}.warren-new`)).code).toBe(1);
    expect(store.step(bad.id, "conf").note).toMatch(/failed validation on the host.*not installed/);
    expect(store.step(bad.id, "conf").stderrTail).toContain("app: no valid port= line");
  });

  it("file: a file in a directory that does not exist yet (a systemd drop-in) is installed", async () => {
    const store = new MemoryStore();
    const dropIn = `${DIR}/unit.service.d/warren.conf`;
    const r = store.add({ type: "t", phases: [{ title: "deploy", steps: [{ kind: "file", key: "drop-in", title: "Drop-in", host: HOST, path: dropIn, content: "[Service]\nRestartSec=2s\n", mode: "0644" }] }] });
    expect(await executeRun({ store, executor }, r.id, control())).toBe("succeeded");
    expect(await cat(dropIn)).toBe("[Service]\nRestartSec=2s\n");
  });

  it("file: a failure after the swap restores the previous file and runs the follow-up again", async () => {
    const store = new MemoryStore();
    // Passes validation, but the verification after the reload fails.
    const r = store.add({ type: "t", phases: [{ title: "deploy", steps: [fileStep("port=3\n", { verify: ["sh", "-c", "echo 'the service did not come back' >&2; exit 3"] })] }] });
    expect(await executeRun({ store, executor }, r.id, control())).toBe("failed");
    expect(await cat(FILE)).toBe("port=2\n");
    expect(await cat(`${DIR}/running.conf`)).toBe("port=2\n");
    expect(store.step(r.id, "conf").note).toMatch(/rolled back \/etc\/warren-engine-test\/app.conf to its previous version/);

    // The same for a later step of the unit.
    const u = store.add({ type: "t", phases: [{ title: "deploy", steps: [
      fileStep("port=4\n", { group: "u" }),
      { kind: "command", key: "after", title: "Restart the app", host: HOST, argv: ["sh", "-c", "echo 'app failed to start' >&2; exit 1"], group: "u" },
    ] }] });
    expect(await executeRun({ store, executor }, u.id, control())).toBe("failed");
    expect(await cat(FILE)).toBe("port=2\n");
    expect(await cat(`${DIR}/running.conf`)).toBe("port=2\n");
    expect(store.runs.get(u.id)!.error).toMatch(/app failed to start|exited with 1/);
    expect(store.runs.get(u.id)!.error).toMatch(/rolled back/);
  });

  it("gate: polls until it passes, or times out with its last output", async () => {
    await sshOk(lab, HOST, `rm -f ${DIR}/ready`);
    const gate = (timeoutMs: number): Step => ({
      kind: "gate", key: "ready", title: "App ready", host: HOST, waitingFor: "the app to be ready", intervalMs: 300, timeoutMs,
      argv: ["sh", "-c", `if [ -e ${DIR}/ready ]; then echo ready; else echo "$(ls ${DIR} | wc -l) files, no ready marker"; exit 1; fi`],
    });
    const store = new MemoryStore();
    const t = store.add({ type: "t", phases: [{ title: "wait", steps: [gate(1500)] }] });
    expect(await executeRun({ store, executor }, t.id, control())).toBe("failed");
    expect(store.step(t.id, "ready").note).toMatch(/gave up waiting for the app to be ready after 2 s; last output: \d+ files, no ready marker/);

    const p = store.add({ type: "t", phases: [{ title: "wait", steps: [gate(30_000)] }] });
    setTimeout(() => void sshOk(lab, HOST, `touch ${DIR}/ready`), 1200);
    expect(await executeRun({ store, executor }, p.id, control())).toBe("succeeded");
    expect(store.text(p.id)).toMatch(/waiting for the app to be ready: \d+ files, no ready marker/);
    expect(store.step(p.id, "ready").note).toBe("ready");
  });

  it("pause: the run waits for Continue, then goes on", async () => {
    const store = new MemoryStore();
    const plan: Plan = { type: "t", phases: [
      { title: "first", steps: [{ kind: "command", key: "one", title: "one", host: HOST, argv: ["sh", "-c", `echo one >> ${DIR}/order`] }] },
      { title: "pause", steps: [{ kind: "pause", key: "pause", title: "Check before going on", host: "", message: "look at node6 first" }] },
      { title: "second", steps: [{ kind: "command", key: "two", title: "two", host: HOST, argv: ["sh", "-c", `echo two >> ${DIR}/order`] }] },
    ] };
    await sshOk(lab, HOST, `rm -f ${DIR}/order`);
    const r = store.add(plan);
    expect(await executeRun({ store, executor }, r.id, control())).toBe("paused");
    expect(await cat(`${DIR}/order`)).toBe("one\n");
    store.continue(r.id);
    expect(await executeRun({ store, executor }, r.id, control())).toBe("succeeded");
    expect(await cat(`${DIR}/order`)).toBe("one\ntwo\n");
    await sshOk(lab, HOST, `rm -rf ${DIR}`);
  });
});
