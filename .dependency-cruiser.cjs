// Warren's architecture as import rules, checked by `npm run lint`
// (dependency-cruiser; tests/unit/lint-rules.test.ts plants a violation of
// each rule and expects it named). See README.md, "Architecture".
const fs = require("node:fs");
const path = require("node:path");

/** Every file under dir (relative to the repository) whose text matches re. */
function filesMatching(dir, re) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(path.join(__dirname, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) { if (e.name !== "generated") walk(rel); }
      else if (/\.tsx?$/.test(e.name) && re.test(fs.readFileSync(path.join(__dirname, rel), "utf8"))) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const anyOf = (paths) => (paths.length ? `^(${paths.map(escape).join("|")})$` : "^$");

/** The database and SSH: the Prisma client and its adapter, ssh2, and the modules of Warren that own them. */
const DATABASE = ["^lib/db/", "^lib/generated/prisma/(client|internal/)", "^node_modules/(@prisma/client|@prisma/adapter-better-sqlite3|better-sqlite3|prisma)/"];
const SSH = ["^lib/ssh/", "^node_modules/ssh2/"];
/** Modules that declare themselves server-only (`import "server-only"`), found afresh on every run. */
const SERVER_ONLY = [anyOf(filesMatching("lib", /^import "server-only";/m)), "^node_modules/server-only/"];
/**
 * Pure modules: config generators, output parsers, the platforms, the shell
 * Warren sends and the argument vectors that carry it. No I/O of their own,
 * no path to any.
 */
const PURE = ["^lib/(rabbitmq|haproxy|keepalived|hosts|shell)/"];
/** What ships: the server, its routes and components, and the domain. */
const PRODUCT = ["^(lib|app|components)/", "^(proxy|instrumentation)\\.ts$", "^server\\.mjs$"];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "lib-imports-no-ui",
      comment: "lib/ is the domain: it never imports routes (app/) or components (components/).",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "components-no-server",
      comment: "Components never import the database, SSH or a server-only module (types excepted: they are erased). Server actions (lib/actions) are the way in.",
      severity: "error",
      from: { path: "^components/" },
      to: { path: [...DATABASE, ...SSH, ...SERVER_ONLY], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "ssh-imports-nothing-of-warren",
      comment: "lib/ssh owns ssh2 and nothing else: it imports no other module of Warren.",
      severity: "error",
      from: { path: "^lib/ssh/" },
      to: { pathNot: ["^lib/ssh/", "^node_modules/", "^node:"], dependencyTypesNot: ["core"] },
    },
    {
      name: "pure-modules-no-io",
      comment: "Pure modules (lib/rabbitmq, lib/haproxy, lib/keepalived, lib/hosts: scripts, parsers and platforms; lib/shell) never reach SSH or the database, directly or through another module.",
      severity: "error",
      from: { path: PURE },
      to: { path: [...DATABASE, ...SSH], reachable: true },
    },
    {
      name: "health-not-ops",
      comment: "The live view (lib/health) never imports the operation engine (lib/ops).",
      severity: "error",
      from: { path: "^lib/health/" },
      to: { path: "^lib/ops/" },
    },
    {
      name: "product-not-lab-or-bench",
      comment: "Nothing that ships imports the lab (lab/) or the benchmarks (bench/).",
      severity: "error",
      from: { path: PRODUCT },
      to: { path: "^(lab|bench)/" },
    },
    {
      name: "no-circular",
      comment: "No import cycles (type-only imports count: they tie modules together all the same).",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves: a rule cannot judge an import it cannot follow.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Prisma's generated client is recorded as a dependency, not walked into.
    doNotFollow: { path: ["node_modules", "^lib/generated/"] },
    tsPreCompilationDeps: true,
    // Paths as imported: a copy of the tree with node_modules linked in (the
    // planted-violation test) sees node_modules/… like the repository does.
    preserveSymlinks: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
