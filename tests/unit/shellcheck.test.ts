import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scriptsMade, type Shell } from "@/lib/shell";
import { RABBITMQCTL_FUNCTION } from "@/lib/rabbitmq/cli";
import { UPLOAD_SCRIPT } from "@/lib/ssh/client";

// Every shell script Warren sends to hosts, found rather than listed: the
// modules that make scripts (shScript/bashScript, lib/shell) are read from
// the source tree and imported, and every script they make must be one of
// their exported constants, under its name. sh()/bash() take nothing else (a
// type), and no product file spells "sh -c" itself, so this is all a host
// ever runs.

const ROOT = path.resolve(__dirname, "../..");
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join("/");

/** The product's source files: lib (Prisma's generated client aside), app, components, and the modules at the root. */
function productSources(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== "generated") walk(f); } else if (/\.(ts|tsx|mjs)$/.test(e.name)) out.push(rel(f));
    }
  };
  for (const d of ["lib", "app", "components"]) walk(path.join(ROOT, d));
  return [...out, "proxy.ts", "instrumentation.ts", "server.mjs"].sort();
}
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, "gm"))?.length ?? 0;

const MAKE = /\b(?:sh|bash)Script\(/;
/** The one way to make a script: an exported constant, named as it is called. */
const EXPORTED_MAKE = /^export const ([A-Z][A-Z0-9_]*) = (?:sh|bash)Script\("\1", /;
/** An argument vector that runs shell text: "sh", "-c" (or bash, or -ec…). */
const SHELL_ARGV = /["'`](?:ba)?sh["'`]\s*,\s*["'`]-[a-z]*c[a-z]*["'`]/;
/** Files allowed to spell a shell argv themselves, and why. */
const OWN_SHELL_ARGV: Record<string, string> = {
  "lib/shell/index.ts": "sh() and bash() themselves",
  "lib/ssh/client.ts": "upload(): lib/ssh imports nothing of Warren; its UPLOAD_SCRIPT is shellchecked below by name",
  "lib/ops/script.ts": "the copyable plan script wraps each step's (registered) argv for sudo; plan-script.test.ts shellchecks it whole",
};

const sources = productSources();
const scriptModules = sources.filter((f) => f !== "lib/shell/index.ts" && MAKE.test(read(f)));

// Import every module that makes scripts, and name each script it exports.
const named: { name: string; shell: Shell; text: string }[] = [];
for (const f of scriptModules) {
  const mod = (await import(path.join(ROOT, f))) as Record<string, unknown>;
  for (const [k, v] of Object.entries(mod)) {
    const m = scriptsMade().find((x) => x.text === v);
    if (m) named.push({ name: `${f.replace(/^lib\//, "").replace(/\.ts$/, "")}/${k}`, shell: m.shell, text: m.text });
  }
}
const exportName = (n: { name: string }) => n.name.split("/").pop()!;

describe("every script Warren sends is a named, registered constant", () => {
  it("finds the modules that make scripts", () => {
    expect(scriptModules).toEqual(expect.arrayContaining(["lib/hosts/scripts.ts", "lib/rabbitmq/scripts.ts", "lib/haproxy/scripts.ts", "lib/keepalived/scripts.ts", "lib/health/watch.ts"]));
    expect(named.length).toBeGreaterThan(50);
  });

  it("makes each script as an exported constant at the top level of its module (never inside a function), named as the constant", () => {
    for (const f of scriptModules) expect(count(read(f), MAKE), `${f}: every shScript/bashScript call is 'export const NAME = …Script("NAME", …)'`).toBe(count(read(f), EXPORTED_MAKE));
  });

  it("exports every script it makes, under the name it was made with (none escapes the shellcheck below)", () => {
    const exported = new Map(named.map((n) => [n.text, exportName(n)]));
    expect(scriptsMade().filter((m) => exported.get(m.text) !== m.name).map((m) => `${m.name}: ${m.text.slice(0, 60)}`)).toEqual([]);
  });

  it("sends shell only through sh() and bash() (lib/shell), never a shell argv spelled out, and never casts text to a Script", () => {
    const spelled = sources.filter((f) => !(f in OWN_SHELL_ARGV) && SHELL_ARGV.test(read(f)));
    expect(spelled, "use sh(SCRIPT, name, …args) or bash(…) from lib/shell with a script constant").toEqual([]);
    expect(sources.filter((f) => f !== "lib/shell/index.ts" && /\bas Script\b/.test(read(f)))).toEqual([]);
  });

  it("never edits a script's text: no .replace on a script, no script pasted into other text", () => {
    const names = [...new Set(named.map(exportName))];
    const edited = new RegExp(`\\b(?:${names.join("|")})\\s*\\.\\s*(?:replace|replaceAll|slice|split|concat)\\b|\\$\\{\\s*(?:${names.join("|")})\\s*\\}|\\b(?:${names.join("|")})\\s*\\+|\\+\\s*(?:${names.join("|")})\\b`);
    expect(sources.filter((f) => edited.test(read(f)))).toEqual([]);
  });

  it("calls rabbitmqctl only through the function that bypasses Debian's re-quoting wrapper", () => {
    const bare = named.filter((n) => /(^|[^\w/-])rabbitmqctl\b/m.test(n.text) && !n.text.startsWith(RABBITMQCTL_FUNCTION));
    expect(bare.map((n) => n.name)).toEqual([]);
  });
});

describe("shell scripts pass shellcheck", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-shellcheck-"));
  for (const s of [...named, { name: "ssh/client/UPLOAD_SCRIPT", shell: "sh" as const, text: UPLOAD_SCRIPT }]) {
    it(s.name, () => {
      const f = path.join(dir, `${s.name.replace(/\//g, "-")}.sh`);
      // Files installed on hosts carry their own interpreter line.
      const file = s.text.startsWith("#!");
      fs.writeFileSync(f, file ? s.text : `#!/bin/${s.shell}\n${s.text}`);
      const r = spawnSync("shellcheck", [...(file ? [] : ["-s", s.shell]), "-S", "style", f], { encoding: "utf8" });
      expect(r.error, "shellcheck is installed (scripts/setup-machine.sh)").toBeUndefined();
      expect(r.stdout + r.stderr).toBe("");
    });
  }
});
