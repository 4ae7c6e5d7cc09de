import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// `npm run lint` (dependency-cruiser, .dependency-cruiser.cjs) against
// planted violations: for each rule, a copy of the tree the linter reads
// (lib, app, components, the root modules, the config, package.json,
// tsconfig.json; node_modules linked in) gets violating imports, and the
// repository's own `npm run lint` must fail there, naming that rule for each
// planted file and reporting nothing else. The unchanged copy must pass.
// One run per rule, two at a time: about 10 s on two cores.

const ROOT = path.resolve(__dirname, "../..");
const TREE = ["lib", "app", "components", "proxy.ts", "instrumentation.ts", "server.mjs", ".dependency-cruiser.cjs", "tsconfig.json", "package.json"];
const source = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

/** Files written into the copy (new, or an existing file's new text); `from` is the module the rule must name. */
interface Plant { what: string; files: Record<string, string>; from: string }

const RULES: Record<string, Plant[]> = {
  "lib-imports-no-ui": [
    { what: "lib/ imports a route module", files: { "lib/planted.ts": 'import "@/app/providers";\n' }, from: "lib/planted.ts" },
    { what: "lib/ imports a component", files: { "lib/inventory/planted.ts": 'import { Time } from "@/components/ui/time";\nexport { Time };\n' }, from: "lib/inventory/planted.ts" },
  ],
  "components-no-server": [
    { what: "the database", files: { "components/planted-db.tsx": 'import { db } from "@/lib/db";\nexport const x = db;\n' }, from: "components/planted-db.tsx" },
    { what: "SSH", files: { "components/hosts/planted-ssh.tsx": 'import { SshPool } from "@/lib/ssh";\nexport const x = SshPool;\n' }, from: "components/hosts/planted-ssh.tsx" },
    { what: "a server-only module", files: { "components/planted-audit.tsx": 'import { audit } from "@/lib/audit";\nexport const x = audit;\n' }, from: "components/planted-audit.tsx" },
  ],
  "ssh-imports-nothing-of-warren": [
    { what: "lib/ssh imports another module of Warren", files: { "lib/ssh/planted.ts": 'import { logError } from "@/lib/log";\nexport const x = logError;\n' }, from: "lib/ssh/planted.ts" },
  ],
  "pure-modules-no-io": [
    { what: "lib/rabbitmq imports the database", files: { "lib/rabbitmq/planted.ts": 'import { db } from "@/lib/db";\nexport const x = db;\n' }, from: "lib/rabbitmq/planted.ts" },
    { what: "lib/keepalived imports ssh2", files: { "lib/keepalived/planted.ts": 'import { Client } from "ssh2";\nexport const x = Client;\n' }, from: "lib/keepalived/planted.ts" },
    { what: "a lib/hosts script module imports SSH", files: { "lib/hosts/hosts-file.ts": `${source("lib/hosts/hosts-file.ts")}\nexport { quoteArg } from "@/lib/ssh/quote";\n` }, from: "lib/hosts/hosts-file.ts" },
    { what: "lib/shell reaches SSH and the database through another module", files: { "lib/shell/planted.ts": 'import "@/lib/inventory/clusters";\n' }, from: "lib/shell/planted.ts" },
  ],
  "health-not-ops": [
    { what: "lib/health imports lib/ops (a type is enough)", files: { "lib/health/planted.ts": 'import type { Plan } from "@/lib/ops/plan";\nexport type X = Plan;\n' }, from: "lib/health/planted.ts" },
  ],
  "product-not-lab-or-bench": [
    { what: "a route imports the lab", files: { "app/planted.ts": 'import "@/lab/planted";\n', "lab/planted.ts": "export {};\n" }, from: "app/planted.ts" },
    { what: "lib/ imports a benchmark", files: { "lib/ops/planted.ts": 'import "@/bench/planted";\n', "bench/planted.ts": "export {};\n" }, from: "lib/ops/planted.ts" },
  ],
  "no-circular": [
    { what: "two modules import each other", files: { "lib/planted-a.ts": 'import "./planted-b";\n', "lib/planted-b.ts": 'import "./planted-a";\n' }, from: "lib/planted-a.ts" },
  ],
  "not-to-unresolvable": [
    { what: "an import of nothing", files: { "lib/planted.ts": 'import "@/lib/no-such-module";\n' }, from: "lib/planted.ts" },
  ],
};

interface Lint { code: number; violations: { rule: string; from: string }[]; output: string }

function copyTree(plant: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-lint-"));
  for (const p of TREE) fs.cpSync(path.join(ROOT, p), path.join(dir, p), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  for (const [f, text] of Object.entries(plant)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

function lint(plant: Record<string, string>): Promise<Lint> {
  const dir = copyTree(plant);
  return new Promise((resolve) => {
    execFile("npm", ["run", "--silent", "lint"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } }, (e, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      const output = stdout + stderr;
      const violations = [...output.matchAll(/^\s*error ([\w-]+): (\S+)/gm)].map((m) => ({ rule: m[1], from: m[2] }));
      resolve({ code: e ? Number(e.code ?? 1) : 0, violations, output });
    });
  });
}

/** Runs at most `n` at a time (two cores). */
async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) { const i = next++; out[i] = await f(items[i]); } }));
  return out;
}

const results = new Map<string, Lint>();
beforeAll(async () => {
  const runs: [string, Record<string, string>][] = [["clean", {}], ...Object.entries(RULES).map(([rule, plants]): [string, Record<string, string>] => [rule, Object.assign({}, ...plants.map((p) => p.files))])];
  const out = await pool(runs, 2, ([, files]) => lint(files));
  runs.forEach(([k], i) => results.set(k, out[i]));
});

describe("npm run lint: the architecture's import rules", () => {
  it("passes on the tree as it is", () => {
    const r = results.get("clean")!;
    expect(r.output).toContain("no dependency violations found");
    expect(r.code).toBe(0);
  });

  for (const [rule, plants] of Object.entries(RULES)) {
    it(`${rule} fails on planted violations: ${plants.map((p) => p.what).join("; ")}`, () => {
      const r = results.get(rule)!;
      expect(r.code, r.output).not.toBe(0);
      for (const p of plants) expect(r.violations, `${p.what}\n${r.output}`).toContainEqual({ rule, from: p.from });
      // Nothing but the plants is reported (a cycle names each of its modules).
      const planted = plants.flatMap((p) => Object.keys(p.files));
      expect(r.violations.filter((v) => v.rule !== rule || !planted.includes(v.from)), r.output).toEqual([]);
    });
  }

  it("plants a violation of every rule in the configuration, each an error", async () => {
    const config = (await import(path.join(ROOT, ".dependency-cruiser.cjs"))) as { default: { forbidden: { name: string; severity: string }[] } };
    expect(Object.keys(RULES).sort()).toEqual(config.default.forbidden.map((r) => r.name).sort());
    expect(config.default.forbidden.every((r) => r.severity === "error")).toBe(true);
  });
});
