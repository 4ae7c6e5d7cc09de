import path from "node:path";
import fs from "node:fs";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

// Prisma 6.19.3's Wasm schema engine (its native engine cannot be downloaded here).
const dataDir = path.resolve(process.env.WARREN_DATA_DIR || "./data");
fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const dbFile = path.join(dataDir, "warren.db");

// Work-around: the Wasm engine sends whole migration scripts through executeRaw
// without arguments, and better-sqlite3 would run only their first statement.
function runScriptsWhole(conn: SqlDriverAdapter): SqlDriverAdapter {
  return new Proxy(conn, {
    get(target, prop, receiver) {
      if (prop === "executeRaw") {
        return async (q: { sql: string; args: unknown[] }) =>
          q.args.length === 0 ? (await target.executeScript(q.sql), 0) : target.executeRaw(q as never);
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function adapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSQLite3({ url: `file:${dbFile}` }, { shadowDatabaseUrl: ":memory:" });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => runScriptsWhole(await inner.connect()),
    connectToShadowDb: async () => runScriptsWhole(await inner.connectToShadowDb()),
  };
}

// WARREN_DATABASE_URL (postgresql://…): PostgreSQL, its schema made from the SQLite one
// (scripts/postgres-schema.mjs) and its own migrations. Unset: the SQLite file.
const postgresUrl = process.env.WARREN_DATABASE_URL || "";
const postgres = /^postgres(ql)?:\/\//.test(postgresUrl);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? path.join("prisma", "postgresql", "schema.prisma") : path.join("prisma", "schema.prisma"),
  migrations: { path: postgres ? path.join("prisma", "postgresql", "migrations") : path.join("prisma", "migrations") },
  adapter: async () => (postgres ? new PrismaPg({ connectionString: postgresUrl }) : adapterFactory()),
});
