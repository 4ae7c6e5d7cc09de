// Applies prisma/postgresql/migrations to WARREN_DATABASE_URL, each once, in
// name order, each in its own transaction, under an advisory lock so that
// instances starting together do not race. Prisma 6.19's Wasm schema engine
// cannot read a PostgreSQL catalog through @prisma/adapter-pg (its `name`
// columns: prisma/orm#27403), so `prisma migrate deploy` works for SQLite
// only; this does the same for PostgreSQL, and keeps Prisma's own table
// (_prisma_migrations, with the same checksums) so the two stay comparable.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.join(root, "prisma/postgresql/migrations");
/** Any constant: the key of the advisory lock held while migrating. */
const LOCK_KEY = 0x5741524e; // "WARN"

export async function migrate(url, log = () => {}) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = new Map((await client.query(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map((r) => [r.migration_name, r.checksum]));
    const names = fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, "migration.sql"))).sort();
    for (const name of done.keys()) if (!names.includes(name)) throw new Error(`the database has migration ${name}, which this Warren does not know: it is older than the database`);
    let applied = 0;
    for (const name of names) {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = crypto.createHash("sha256").update(sql).digest("hex");
      if (done.has(name)) {
        if (done.get(name) !== checksum) throw new Error(`migration ${name} was changed after it was applied (checksum differs)`);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`, [crypto.randomUUID(), checksum, name]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${e.message}`);
      }
      applied++;
      log(`applied ${name}`);
    }
    return { applied, total: names.length };
  } finally {
    await client.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.WARREN_DATABASE_URL;
  if (!url) { console.error("WARREN_DATABASE_URL is not set"); process.exit(2); }
  migrate(url, (l) => console.log(`[migrate] ${l}`)).then(
    (r) => console.log(`[migrate] PostgreSQL: ${r.total} migrations, ${r.applied} applied now`),
    (e) => { console.error(`[migrate] ${e.message}`); process.exit(1); },
  );
}
