import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";

// Backups at rest and the service around them, in a real SQLite file through
// Prisma (as health-history.test.ts does): sealed and compressed, listed
// without documents, diffed, downloaded by admins only with an audit row,
// retention and the schedule, failures recorded. Reading a live cluster needs
// hosts: the integration suite (05-backups) does that on lab hosts.
const fixture = (name: string) => fs.readFileSync(path.resolve("tests/fixtures/definitions", name), "utf8");
const who = (role: Principal["role"], username: string = role): Principal => ({ kind: "basic", userId: username, username, role });

describe("backups in Warren's database", () => {
  it("stores, lists, diffs, downloads (admins, audited), keeps what retention says, and records failures", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-backups-"));
    process.env.WARREN_DATA_DIR = dir;
    execFileSync("npx", ["--no-install", "prisma", "migrate", "deploy"], { env: { ...process.env, WARREN_DATA_DIR: dir }, stdio: "ignore" });
    const { db } = await import("@/lib/db");
    const svc = await import("@/lib/backups/service");
    const store = await import("@/lib/backups/store");
    const c = await db().cluster.create({ data: { name: "shop" } });
    const other = await db().cluster.create({ data: { name: "other" } });

    // Uploads: operators and up; a file that is not definitions is refused, saying why.
    await expect(svc.uploadBackup(c.id, fixture("rabbitmq-3.10-rabbitmqctl.json"), who("viewer"), null)).rejects.toMatchObject({ code: "forbidden" });
    await expect(svc.uploadBackup(c.id, '{"hello":1}', who("operator"), null)).rejects.toThrow(/^The file is not a RabbitMQ definitions document/);
    const a = await svc.uploadBackup(c.id, fixture("rabbitmq-3.10-rabbitmqctl.json"), who("operator", "olga"), "before the migration");
    const b = await svc.uploadBackup(c.id, fixture("rabbitmq-3.10-api.json"), who("operator", "olga"), null);
    expect(a).toMatchObject({ clusterName: "shop", createdBy: "upload by olga", reason: "before the migration", source: "upload", rabbitmqVersion: "3.10.8", counts: { queues: 5, users: 3 } });

    // At rest: not the plain document, nor its hashes.
    const row = await db().definitionsBackup.findUniqueOrThrow({ where: { id: a.id } });
    const raw = Buffer.from(row.blobEnc).toString("latin1");
    for (const h of ["W4rR3nAdm1nHash", "Sh0pAppHash", "s3cret-fed", "orders.new"]) expect(raw).not.toContain(h);
    expect(row.sizeBytes).toBe(row.blobEnc.length);
    // Lists never carry it.
    const list = await svc.clusterBackups(c.id);
    expect(list.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(JSON.stringify(list)).not.toContain("Hash");

    // Diff: the same cluster by two tools is no difference; viewers may diff stored backups, not the live cluster.
    const d = await svc.diffBackups(c.id, a.id, b.id, who("viewer"));
    expect(d.total).toEqual({ added: 0, removed: 0, changed: 0 });
    await expect(svc.diffBackups(c.id, a.id, "live", who("viewer"))).rejects.toMatchObject({ code: "forbidden" });

    // Download: admins only, the document byte for byte, one audit row each.
    await expect(svc.downloadBackup(a.id, who("operator"))).rejects.toMatchObject({ code: "forbidden" });
    const dl = await svc.downloadBackup(a.id, who("admin", "ada"));
    expect(dl.text).toBe(fixture("rabbitmq-3.10-rabbitmqctl.json"));
    const audit = await db().auditLog.findMany({ where: { action: { startsWith: "backup." } }, orderBy: { at: "asc" } });
    expect(audit.map((x) => [x.actor, x.action, x.targetId])).toEqual([["olga", "backup.upload", "shop"], ["olga", "backup.upload", "shop"], ["ada", "backup.download", "shop"]]);
    expect(audit[2].detail).toContain(a.id);
    for (const x of audit) expect(x.detail).not.toMatch(/Hash|s3cret/);
    await expect(svc.backupInfo(other.id, a.id)).rejects.toMatchObject({ code: "not-found" });

    // A backup of a cluster without nodes fails, and the failure is the cluster's last, until a backup succeeds after it.
    await expect(svc.takeBackup(other.id, { createdBy: "schedule", reason: null })).rejects.toMatchObject({ code: "invalid" });
    let st = (await store.backupStatuses([other.id, c.id]));
    expect(st[other.id].lastFailure).toMatchObject({ message: "other has no RabbitMQ nodes", by: "schedule", since: true });
    // Never backed up, never tried by the schedule: due at once; once the schedule has tried and failed, an hour later.
    expect(st[other.id].nextAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const tried = new Date();
    await store.recordAttempt(other.id, tried);
    await store.recordFailure(other.id, "other has no RabbitMQ nodes", "schedule");
    expect((await store.backupStatuses([other.id]))[other.id].nextAt!.getTime()).toBe(tried.getTime() + 3600_000);
    expect(st[c.id]).toMatchObject({ count: 2, latest: { id: b.id }, lastFailure: null, schedule: { everyHours: 24, keepCount: 30, keepDays: 30 } });

    // Retention: keep the newest one only (and no age rule); a backup a restore may still need is kept too.
    const c3 = await svc.uploadBackup(c.id, fixture("rabbitmq-4.0-rabbitmqctl.json"), who("admin"), null);
    await db().run.create({ data: { clusterId: c.id, type: "restore", status: "failed", params: JSON.stringify({ backupId: a.id }), plan: "{}", createdBy: "olga" } });
    await expect(svc.setBackupSchedule(c.id, { enabled: true, everyHours: 0, keepCount: 1, keepDays: null }, who("operator"))).rejects.toThrow();
    const s = await svc.setBackupSchedule(c.id, { enabled: true, everyHours: 6, keepCount: 1, keepDays: null }, who("operator", "olga"));
    expect(s.schedule).toEqual({ enabled: true, everyHours: 6, keepCount: 1, keepDays: null });
    expect((await svc.clusterBackups(c.id)).map((x) => x.id)).toEqual([c3.id, a.id]);
    st = await store.backupStatuses([c.id]);
    expect(st[c.id].nextAt!.getTime()).toBe((await store.newestBackup(c.id))!.createdAt.getTime() + 6 * 3600_000);
    expect((await db().auditLog.findFirstOrThrow({ where: { action: "backup.schedule" } })).detail).toBe("every 6 h; keep the newest 1; 1 older backup(s) deleted");

    // What a restore's planning reads: any cluster's backup, as text.
    const got = await svc.gatherDefinitions.backup(a.id);
    expect(got).toMatchObject({ id: a.id, clusterId: c.id, clusterName: "shop", rabbitmqVersion: "3.10.8" });
    expect(got!.text).toBe(fixture("rabbitmq-3.10-rabbitmqctl.json"));
    expect(await svc.gatherDefinitions.backup("nope")).toBeNull();

    // The scheduler: clusters that are set up (a spec), due, and not busy with a run; one attempt, then not again until due.
    const { BackupScheduler } = await import("@/lib/backups/scheduler");
    const { labSpec } = await import("./support-cluster");
    const setUp = await db().cluster.create({ data: { name: "set-up" } });
    const busy = await db().cluster.create({ data: { name: "busy" } });
    for (const x of [setUp, busy]) await db().clusterSpecVersion.create({ data: { clusterId: x.id, version: 1, spec: JSON.stringify(labSpec()), createdBy: "admin" } });
    await db().run.create({ data: { clusterId: busy.id, type: "rolling-upgrade", status: "running", params: "{}", plan: "{}", createdBy: "olga" } });
    const sched = new BackupScheduler();
    const now = new Date();
    await sched.tick(now);
    const rows = Object.fromEntries((await db().backupSchedule.findMany()).map((r) => [r.clusterId, r]));
    expect(rows[setUp.id]).toMatchObject({ lastAttemptAt: now, lastError: "set-up has no RabbitMQ nodes", lastErrorBy: "schedule" });
    expect(rows[busy.id]).toBeUndefined();
    expect(rows[other.id].lastAttemptAt).toEqual(tried); // not set up: never scheduled
    await sched.tick(new Date(now.getTime() + 60_000));
    expect((await db().backupSchedule.findUniqueOrThrow({ where: { clusterId: setUp.id } })).lastAttemptAt).toEqual(now);
    await db().$disconnect();
  }, 120_000);
});
