// The plan as a bash script an operator can run: `bash plan.sh` on a machine
// where `ssh <host>` reaches each host (an ssh config). Checks and actions are
// both evaluated on the remote host; every argument is quoted twice — once for
// the remote shell (commandLine), and the whole remote line once more for the
// local one — because ssh joins its arguments and the remote shell parses them
// again. Secrets come from environment variables and travel on stdin. No value
// from the plan appears outside quotes, comments included.
import { commandLine, quoteArg } from "@/lib/ssh/quote";
import { fileArgv } from "./file-deploy";
import { allSteps, secretsRotated, secretsUsed, splitSecrets, VAR_RE, workOfPhase, type CommandStep, type FileStep, type Plan, type Step } from "./plan";
import { SECRETS, type SecretName } from "./secrets";

/** Text safe in a # comment: one line, control characters escaped. */
export function comment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

const envVar = (name: SecretName, next?: boolean) => `${next ? "NEW_" : ""}${SECRETS[name].envVar}`;
const env = (name: SecretName, next?: boolean) => `"$${envVar(name, next)}"`;

/** A local command that writes the content's bytes to stdout, secrets filled from the environment. */
function emit(content: string): string {
  const parts = splitSecrets(content).map((p) => ("text" in p ? `printf '%s' ${quoteArg(p.text)}` : `printf '%s' ${env(p.secret)}`));
  if (parts.length === 0) return "printf ''";
  return parts.length === 1 ? parts[0] : `{ ${parts.join("; ")}; }`;
}

interface Ctx { sudo: (host: string) => boolean }

/** A host, or a run variable recorded earlier in the script ({var:owner} → "$owner"). */
const hostWord = (host: string) => { const m = VAR_RE.exec(host); return m ? `"$${m[1]}"` : quoteArg(host); };

/** Runs a remote line on a host; stdin is passed through. */
function on(ctx: Ctx, host: string, remote: string): string {
  const line = ctx.sudo(host) ? commandLine(["sudo", "-n", "--", "sh", "-c", remote]) : remote;
  return `on ${hostWord(host)} ${quoteArg(line)}`;
}

/** A local command line: variables as quoted expansions, everything else quoted. */
const localLine = (argv: string[]) => argv.map((a) => { const m = VAR_RE.exec(a); return m ? `"$${m[1]}"` : quoteArg(a); }).join(" ");

/** The same inside a loop over hosts ("$h"); sudo when any of them needs it. */
function onEach(ctx: Ctx, hosts: string[], remote: string): string {
  const line = hosts.some(ctx.sudo) ? commandLine(["sudo", "-n", "--", "sh", "-c", remote]) : remote;
  return `on "$h" ${quoteArg(line)}`;
}

const IN_PLACE = `echo "already in place"`;

function stdinSource(s: CommandStep): string | null {
  if (!s.stdin) return null;
  return "secret" in s.stdin ? `printf '%s' ${env(s.stdin.secret, s.stdin.next)}` : emit(s.stdin.text);
}

function commandRemote(s: CommandStep, withCheck: boolean): string {
  const act = commandLine(s.argv);
  if (!withCheck || !s.check) return act;
  const check = commandLine(s.check);
  if (!s.stdin) return `if ${check} </dev/null >/dev/null 2>&1; then ${IN_PLACE}; else ${act}; fi`;
  // The check and the action both read stdin: keep it in a private temporary file.
  return [
    `t=$(mktemp) || exit 1`, `trap 'rm -f "$t"' EXIT`, `cat >"$t" || exit 1`,
    `if ${check} <"$t" >/dev/null 2>&1; then ${IN_PLACE}; exit 0; fi`,
    `${act} <"$t"`,
  ].join("\n");
}

function fileRemote(s: FileStep): string {
  const validate = fileArgv.validate(s);
  const then = s.then ? commandLine(s.then) : "true";
  const verify = s.verify ? commandLine(s.verify) : "true";
  return [
    `t=$(mktemp) || exit 1`, `trap 'rm -f "$t"' EXIT`, `cat >"$t" || exit 1`,
    `if ${commandLine(fileArgv.inPlace(s))} <"$t" >/dev/null 2>&1; then ${IN_PLACE}; exit 0; fi`,
    `${commandLine(fileArgv.upload(s))} <"$t" || exit 1`,
    ...(validate ? [`if ! ${commandLine(validate)}; then ${commandLine(fileArgv.discard(s))}; echo ${quoteArg(`the new ${s.path} failed validation: not installed`)} >&2; exit 1; fi`] : []),
    `${commandLine(fileArgv.swap(s))} || exit 1`,
    `if ! { ${then} && ${verify}; }; then ${commandLine(fileArgv.rollback(s))}; ${then}; echo ${quoteArg(`rolled back ${s.path} to its previous version`)} >&2; exit 1; fi`,
  ].join("\n");
}

function stepLines(ctx: Ctx, s: Step, withCheck: boolean, indent: string): string[] {
  const say = `echo ${quoteArg(`==> ${s.host}: ${s.title}`)}`;
  const head = [`# ${comment(`${s.host}: ${s.title}`)}${s.destructive ? comment(`  [DESTRUCTIVE: ${s.destructive}]`) : ""}`, say];
  switch (s.kind) {
    case "command": {
      const src = stdinSource(s);
      const run = on(ctx, s.host, commandRemote(s, withCheck));
      return [...head, ...(s.verify ? ["# Warren compares this output with the plan"] : []), src ? `${src} | ${run}` : `${run} </dev/null`].map((l) => indent + l);
    }
    case "file":
      return [...head, `${emit(s.content)} | ${on(ctx, s.host, fileRemote(s))}`].map((l) => indent + l);
    case "gate": {
      const secs = Math.ceil(s.timeoutMs / 1000), every = Math.max(1, Math.round(s.intervalMs / 1000));
      return [
        ...head,
        `deadline=$((SECONDS + ${secs}))`,
        s.across
          ? `until n=0; for h in ${s.across.hosts.map(quoteArg).join(" ")}; do if ${onEach(ctx, s.across.hosts, commandLine(s.argv))} </dev/null >/dev/null 2>&1; then n=$((n + 1)); yes=$h; fi; done; [ "$n" = 1 ]${s.across.not ? ` && [ "$yes" != ${hostWord(s.across.not)} ]` : ""}; do`
          : `until ${on(ctx, s.host, commandLine(s.argv))} </dev/null; do`,
        `  [ "$SECONDS" -lt "$deadline" ] || { echo ${quoteArg(`gave up waiting for ${s.waitingFor}`)} >&2; exit 1; }`,
        `  sleep ${every}`,
        `done`,
        ...(s.across?.record ? [`${s.across.record}=$yes`] : []),
      ].map((l) => indent + l);
    }
    case "local":
      return [...head, localLine(s.argv)].map((l) => indent + l);
    case "pause":
      return [`# ${comment(s.title)}`, `read -r -p ${quoteArg(`${s.message} — press Enter to continue `)} _ </dev/tty`].map((l) => indent + l);
  }
}

export function planScript(plan: Plan, o: { title: string; sudoHosts?: string[] }): string {
  const ctx: Ctx = { sudo: (h) => !!o.sudoHosts?.includes(h) };
  const hosts = [...new Set(allSteps(plan).map((s) => s.host).filter(Boolean))];
  const secrets = secretsUsed(plan);
  const out: string[] = [
    "#!/usr/bin/env bash",
    `# ${comment(`Warren plan: ${plan.type} — ${o.title}`)}`,
    "# Run it where `ssh <host>` reaches each of these hosts (an ssh config), as root",
    `# or with passwordless sudo: ${comment(hosts.join(" "))}`,
    "# Each step checks on its host whether its effect is already there, so running",
    "# the script again changes nothing that is in place.",
    "set -euo pipefail",
  ];
  if (secrets.length) {
    out.push("", "# Secrets come from the environment and reach the hosts on stdin, never in arguments.");
    for (const n of secrets) out.push(`: "\${${SECRETS[n].envVar}:?set ${SECRETS[n].envVar} to the ${SECRETS[n].label} of the cluster}"`);
  }
  for (const n of secretsRotated(plan)) out.push(`: "\${${envVar(n, true)}:?set ${envVar(n, true)} to the new ${SECRETS[n].label}}"`);
  out.push("", "# on HOST LINE: runs a command line on HOST; stdin passes through.", 'on() { ssh -o BatchMode=yes -- "$1" "$2"; }');
  plan.phases.forEach((ph, i) => {
    out.push("", `# ${comment(`phase ${i + 1}: ${ph.title}${ph.inOrder ? " (step by step, in this order)" : ph.oneHostAtATime ? " (one host at a time)" : ""}`)}`);
    for (const w of workOfPhase(ph)) {
      if (!w.unit) { out.push(...stepLines(ctx, w.step, true, "")); continue; }
      const head = w.steps[0];
      if (head.kind === "command" && head.check) {
        const src = stdinSource(head);
        const check = on(ctx, head.host, `${commandLine(head.check)}${src ? "" : " </dev/null"}`);
        out.push(`# ${comment(`one unit on ${head.host}, skipped as a whole when its check passes`)}`);
        out.push(`if ${src ? `${src} | ` : ""}${check} >/dev/null 2>&1; then`, `  echo ${quoteArg(`==> ${head.host}: already in place: ${w.steps.map((s) => s.title).join(", ")}`)}`, "else");
        for (const s of w.steps) out.push(...stepLines(ctx, s, false, "  "));
        out.push("fi");
      } else {
        for (const s of w.steps) out.push(...stepLines(ctx, s, true, ""));
      }
    }
  });
  out.push("", `echo ${quoteArg(`plan ${plan.type} finished`)}`);
  return out.join("\n") + "\n";
}
