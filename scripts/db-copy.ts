// Copies a SQLite Warren database into an empty PostgreSQL one, then checks the copy:
//
//   npm run db:copy -- --from <data directory> --to postgresql://user:pw@host:port/db
//
// (defaults: WARREN_DATA_DIR, or ./data, and WARREN_DATABASE_URL). The SQLite database
// is first brought to this Warren's migrations (as a start would), the PostgreSQL one
// gets its migrations (scripts/postgres-migrate.mjs) and must hold no data yet. Every
// table (lib/db/models.ts reads them from the schema, each after those it refers to) is
// copied as is — sealed secrets stay sealed: start every instance with
// WARREN_SECRET_KEY set to the data directory's secret.key. Then, table by table, the
// row counts are compared and the first, middle and last rows (by primary key) read
// back from both and compared field by field. Exit code 0 only if every table agrees.
// Which instance held what (Instance, Lease, LiveHealth) is process state: not copied.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "../lib/generated/prisma/client";
import { PrismaClient as PostgresClient } from "../lib/generated/prisma-pg/client";
import { insertOrder, PROCESS_STATE_MODELS, readModels, type ModelInfo } from "../lib/db/models";
// @ts-expect-error -- a plain .mjs script, typed by use
import { migrate } from "./postgres-migrate.mjs";

const BATCH = 1000;
type Row = Record<string, unknown>;
type Delegate = {
  count(): Promise<number>;
  findMany(a: { where?: Row; orderBy?: Record<string, "asc">[]; skip?: number; take?: number }): Promise<Row[]>;
  createMany(a: { data: Row[] }): Promise<{ count: number }>;
};

export interface TableCheck { model: string; source: number; copied: number; spotChecked: number; ok: boolean; problem?: string }

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function copyTable(m: ModelInfo, from: Delegate, to: Delegate): Promise<number> {
  const orderBy = m.key.map((k) => ({ [k]: "asc" as const }));
  let copied = 0;
  for (;;) {
    const rows = await from.findMany({ orderBy, skip: copied, take: BATCH });
    if (!rows.length) return copied;
    await to.createMany({ data: rows });
    copied += rows.length;
  }
}

async function checkTable(m: ModelInfo, from: Delegate, to: Delegate): Promise<TableCheck> {
  const [source, copied] = [await from.count(), await to.count()];
  if (source !== copied) return { model: m.name, source, copied, spotChecked: 0, ok: false, problem: `${source} rows in SQLite, ${copied} in PostgreSQL` };
  const orderBy = m.key.map((k) => ({ [k]: "asc" as const }));
  const at = [...new Set([0, Math.floor(source / 2), source - 1])].filter((i) => i >= 0 && i < source);
  for (const skip of at) {
    // By its key in PostgreSQL: the two databases may order text differently (collations).
    const [a] = await from.findMany({ orderBy, skip, take: 1 });
    const [b] = await to.findMany({ where: Object.fromEntries(m.key.map((k) => [k, a[k]])), take: 1 });
    if (!same(a, b)) return { model: m.name, source, copied, spotChecked: at.length, ok: false, problem: `row ${skip + 1} differs: ${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)}` };
  }
  return { model: m.name, source, copied, spotChecked: at.length, ok: true };
}

export async function copyDatabase(o: { dataDir: string; url: string; say?: (l: string) => void }): Promise<TableCheck[]> {
  const say = o.say ?? (() => {});
  const file = path.join(o.dataDir, "warren.db");
  if (!fs.existsSync(file)) throw new Error(`no SQLite database at ${file}`);
  // The source at this Warren's schema, as a start would bring it (the SQLite side of prisma.config.ts).
  const env: NodeJS.ProcessEnv = { ...process.env, WARREN_DATA_DIR: o.dataDir };
  delete env.WARREN_DATABASE_URL;
  execFileSync("npx", ["--no-install", "prisma", "migrate", "deploy"], { env, stdio: "ignore" });
  say(`SQLite ${file}: migrations applied`);
  await migrate(o.url, say);
  const sqlite = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }) });
  const pg = new PostgresClient({ adapter: new PrismaPg({ connectionString: o.url }) });
  try {
    const schema = fs.readFileSync(path.resolve(import.meta.dirname, "../prisma/schema.prisma"), "utf8");
    const models = insertOrder(readModels(schema)).filter((m) => !(PROCESS_STATE_MODELS as readonly string[]).includes(m.name));
    const d = (c: unknown, m: ModelInfo) => (c as Record<string, Delegate>)[m.delegate];
    for (const m of models) {
      const n = await d(pg, m).count();
      if (n > 0) throw new Error(`the PostgreSQL database is not empty (${m.name} has ${n} rows): copy into a new database`);
    }
    for (const m of models) say(`${m.name}: ${await copyTable(m, d(sqlite, m), d(pg, m))} rows copied`);
    const checks: TableCheck[] = [];
    for (const m of models) checks.push(await checkTable(m, d(sqlite, m), d(pg, m)));
    return checks;
  } finally {
    await sqlite.$disconnect();
    await pg.$disconnect();
  }
}

async function main() {
  const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" }, json: { type: "boolean" } } });
  const dataDir = path.resolve(values.from ?? process.env.WARREN_DATA_DIR ?? "./data");
  const url = values.to ?? process.env.WARREN_DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error("usage: npm run db:copy -- --from <data directory> --to postgresql://user:password@host:port/database");
    process.exit(2);
  }
  const checks = await copyDatabase({ dataDir, url, say: (l) => console.log(`[copy] ${l}`) });
  for (const c of checks) console.log(`[check] ${c.ok ? "ok  " : "FAIL"} ${c.model.padEnd(20)} ${String(c.source).padStart(7)} rows, ${c.spotChecked} spot-checked${c.problem ? `: ${c.problem}` : ""}`);
  const bad = checks.filter((c) => !c.ok);
  console.log(bad.length ? `${bad.length} of ${checks.length} tables differ` : `all ${checks.length} tables copied and checked; start every instance with WARREN_DATABASE_URL and WARREN_SECRET_KEY=$(cat ${path.join(dataDir, "secret.key")})`);
  if (values.json) console.log(JSON.stringify({ tables: checks }));
  process.exit(bad.length ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main().catch((e) => { console.error(`[copy] ${e instanceof Error ? e.message : e}`); process.exit(1); });
