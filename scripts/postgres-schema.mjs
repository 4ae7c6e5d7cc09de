// One set of models: prisma/schema.prisma (SQLite, the embedded default). The
// PostgreSQL schema is made from it — the same models, another datasource and
// client — and committed; `npm test` fails when it is out of step
// (`node scripts/postgres-schema.mjs --check`). Its migrations live beside it in
// prisma/postgresql/migrations; see README "Several instances".
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
const target = path.join(root, "prisma/postgresql/schema.prisma");

export function postgresSchema(sqlite) {
  const gen = /generator client \{[^}]*\}/;
  const ds = /datasource db \{[^}]*\}/;
  if (!gen.test(sqlite) || !ds.test(sqlite)) throw new Error("prisma/schema.prisma: generator client or datasource db not found");
  return [
    "// MADE FROM prisma/schema.prisma by scripts/postgres-schema.mjs: edit that one, then run it.",
    sqlite
      .replace(gen, 'generator client {\n  provider   = "prisma-client"\n  engineType = "client"\n  output     = "../../lib/generated/prisma-pg"\n}')
      .replace(ds, 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://localhost/warren"\n}')
      .replace("(SQLite stores them as TEXT)", "(SQLite stores them as TEXT, PostgreSQL as enums)"),
  ].join("\n");
}

const want = postgresSchema(source);
if (process.argv.includes("--check")) {
  const have = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  if (have !== want) {
    console.error("prisma/postgresql/schema.prisma is out of step with prisma/schema.prisma: run node scripts/postgres-schema.mjs");
    process.exit(1);
  }
  console.log("prisma/postgresql/schema.prisma is in step with prisma/schema.prisma");
} else {
  fs.writeFileSync(target, want);
  console.log(`wrote ${path.relative(root, target)}`);
}
