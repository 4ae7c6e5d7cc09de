import "server-only";
import fs from "node:fs";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

// One client per process, kept on globalThis so dev-mode reloads do not open more.
const g = globalThis as unknown as { warrenDb?: PrismaClient };

export function db(): PrismaClient {
  if (!g.warrenDb) {
    const adapter = new PrismaBetterSQLite3({ url: `file:${env().dbFile}` });
    g.warrenDb = new PrismaClient({ adapter });
  }
  return g.warrenDb;
}

/**
 * The data directory is Warren's alone: 700 (which also covers the journal
 * files SQLite makes and removes), and the database with any journal there
 * now 600 — at every start, so directories and files from before are fixed
 * too. (Not by a umask: the power command's children would inherit it.)
 */
export function securePermissions(): void {
  const { dataDir, dbFile } = env();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  // (The comments keep Turbopack from tracing the whole project for these run-time paths.)
  for (const suffix of ["", "-journal", "-wal", "-shm"]) {
    const f = dbFile + suffix;
    if (fs.existsSync(/*turbopackIgnore: true*/ f)) fs.chmodSync(/*turbopackIgnore: true*/ f, 0o600);
  }
}
