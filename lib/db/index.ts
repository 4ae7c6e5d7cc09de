import "server-only";
import fs from "node:fs";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/prisma-pg/client";
import { env } from "@/lib/env";

// One client per process, kept on globalThis so dev-mode reloads do not open more.
const g = globalThis as unknown as { warrenDb?: PrismaClient };

/** Which database this process uses: PostgreSQL when WARREN_DATABASE_URL is set, else the SQLite file. */
export type DatabaseKind = "sqlite" | "postgresql";
export const databaseKind = (): DatabaseKind => (env().WARREN_DATABASE_URL ? "postgresql" : "sqlite");
/** Several Warren instances can share the database (PostgreSQL); on SQLite this process is the only one. */
export const severalInstances = () => databaseKind() === "postgresql";

export function db(): PrismaClient {
  if (!g.warrenDb) {
    const url = env().WARREN_DATABASE_URL;
    // Both clients are made from the same models (scripts/postgres-schema.mjs), so the
    // PostgreSQL one answers every query the SQLite one does, with the same shapes.
    g.warrenDb = url
      ? (new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) }) as unknown as PrismaClient)
      : new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${env().dbFile}` }) });
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
