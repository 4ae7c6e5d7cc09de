import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// A real PostgreSQL from Debian's package, started by the test itself: a new
// cluster (initdb) in a temporary directory owned by the unprivileged
// "postgres" user the package made, on its own port, listening on 127.0.0.1
// only, removed by stop(). Trust authentication: nothing but this machine's
// loopback reaches it, for the length of a test.
export interface TestPostgres {
  port: number;
  url(database: string): string;
  createDatabase(name: string): void;
  psql(database: string, sql: string): string;
  stop(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error("PostgreSQL is not installed: scripts/setup-machine.sh installs Debian's postgresql package with the browser tests' tools");
  return path.join(root, versions[0], "bin");
}

export function startPostgres(port: number): TestPostgres {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-pg-"));
  fs.chmodSync(dir, 0o755);
  execFileSync("chown", ["postgres:postgres", dir]);
  const as = (cmd: string, args: string[]) => execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { stdio: ["ignore", "pipe", "pipe"] }).toString();
  as("initdb", ["-D", `${dir}/data`, "-U", "warren", "--auth=trust", "--locale=C", "-E", "UTF8"]);
  as("pg_ctl", ["-D", `${dir}/data`, "-l", `${dir}/server.log`, "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, "start"]);
  const psql = (database: string, sql: string) => execFileSync(path.join(bin, "psql"), ["-X", "-q", "-At", "-h", "127.0.0.1", "-p", String(port), "-U", "warren", "-d", database, "-c", sql]).toString();
  return {
    port,
    url: (database) => `postgresql://warren@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => { psql("postgres", `CREATE DATABASE "${name}"`); },
    psql,
    stop() {
      try { as("pg_ctl", ["-D", `${dir}/data`, "-m", "immediate", "stop"]); } catch { /* not running */ }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
