import "server-only";
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
