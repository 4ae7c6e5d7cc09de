// The migration's shell scripts run for real under sh, with a stand-in
// rabbitmqctl (reached through `runuser`, as on the hosts) that answers
// from fixed tables and — as the real one may — reads its standard input.
// The close step must close every client connection (a stand-in that read
// the loop's input closed one in the lab: the rest of the list was gone).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { closeClients, drainCheck, MIGRATION_USER } from "@/lib/migration/commands";

function standIn(tables: { connections: string[][]; queues: Record<string, string[][]> }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-mig-"));
  const tsv = (rows: string[][]) => rows.map((r) => r.join("\t")).join("\n");
  fs.writeFileSync(path.join(dir, "connections"), tsv(tables.connections) + "\n");
  for (const [v, rows] of Object.entries(tables.queues)) fs.writeFileSync(path.join(dir, `queues-${v}`), tsv(rows) + "\n");
  // runuser -u rabbitmq -- env -C DIR HOME=DIR /usr/lib/rabbitmq/bin/rabbitmqctl ARGS…
  fs.writeFileSync(path.join(dir, "runuser"), `#!/bin/sh
while [ "$#" -gt 0 ] && [ "\${1##*/}" != rabbitmqctl ]; do shift; done
shift
cat >/dev/null
[ "$1" = -q ] && shift
case $1 in
  list_connections) cut -f1,2 "${dir}/connections" | if [ "$3" = user ]; then cut -f2; else cat; fi ;;
  list_queues) cat "${dir}/queues-$3" ;;
  close_connection) echo "$2" >>"${dir}/closed" ;;
  *) echo "unexpected: $*" >&2; exit 70 ;;
esac
`, { mode: 0o755 });
  const run = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: "utf8", timeout: 30_000 });
  const closed = () => (fs.existsSync(path.join(dir, "closed")) ? fs.readFileSync(path.join(dir, "closed"), "utf8").trim().split("\n") : []);
  return { run, closed };
}

const conn = (n: number, user: string) => [`<rabbit@node1.1.${n}.0>`, user];

describe("closing the clients left on the cluster being left", () => {
  it("closes every client connection, however many, and none of the shovels' (their user)", () => {
    const clients = Array.from({ length: 25 }, (_, i) => conn(i, i % 2 ? "shop-app" : "billing app"));
    const shovels = Array.from({ length: 5 }, (_, i) => conn(100 + i, MIGRATION_USER));
    const s = standIn({ connections: [...clients.slice(0, 10), ...shovels, ...clients.slice(10)], queues: {} });
    const r = s.run(closeClients("retired: reconnect"));
    expect(r.status, r.stderr).toBe(0);
    expect(s.closed().sort()).toEqual(clients.map((c) => c[0]).sort());
  });

  it("does nothing, successfully, when no client is left", () => {
    const s = standIn({ connections: [], queues: {} });
    expect(s.run(closeClients("x")).status).toBe(0);
    expect(s.closed()).toEqual([]);
  });
});

describe("the drain gate", () => {
  const q = (name: string, ready: number, unacked: number) => [name, String(ready), String(unacked)];
  it("passes only when every queue of every vhost has nothing ready or unacknowledged and only the shovels are connected", () => {
    const empty = { shop: [q("orders.1", 0, 0), q("orders 2", 0, 0)], billing: [q("inv", 0, 0)] };
    const ok = standIn({ connections: [conn(1, MIGRATION_USER)], queues: empty });
    expect(ok.run(drainCheck(["billing", "shop"], 1)).status).toBe(0);

    const unacked = standIn({ connections: [], queues: { ...empty, billing: [q("inv", 0, 3)] } });
    const r = unacked.run(drainCheck(["billing", "shop"], 1));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("inv on billing: 3 left");

    const client = standIn({ connections: [conn(1, MIGRATION_USER), conn(2, "shop-app")], queues: empty });
    const c = client.run(drainCheck(["billing", "shop"], 1));
    expect(c.status).toBe(1);
    expect(c.stdout).toContain("0 message(s) left, 1 client connection(s)");
  });
});
