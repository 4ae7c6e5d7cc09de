// The plan as a POSIX shell script an operator can read and run: `sh plan.sh`
// (or bash) on a machine where `ssh <host>` reaches each host (an ssh config).
// It is laid out for reading: a few helpers defined once at the top; then
// every script and text the steps send to the hosts, each defined once as a
// variable, verbatim in a quoted here-document; then one line per step, its
// command as plain words. The helpers quote each command's arguments for the
// host's shell at run time (q, the same quoting as lib/ssh/quote), so the
// hosts run exactly the argument vectors the plan holds, as Warren's runner
// does: a step's check first, its command only when the check fails.
// Secrets come from environment variables and travel on stdin. No value from
// the plan appears in the script outside single quotes or a quoted
// here-document, comments included.
import { commandLine, quoteArg } from "@/lib/ssh/quote";
import { scriptName } from "@/lib/shell";
import { deleteArgv, exportDefinitions } from "@/lib/backups/commands";
import { KIND_LABELS } from "@/lib/backups/definitions";
import { FILE_IN_PLACE, FILE_ROLLBACK, FILE_SWAP, FILE_UPLOAD, fileArgv } from "./file-deploy";
import { allSteps, secretsRotated, secretsUsed, splitSecrets, VAR_RE, workOfPhase, type CommandStep, type DefinitionsRef, type DefinitionsStep, type ShovelsRef, type FileStep, type Plan, type Step } from "./plan";
import { SECRETS, type SecretName } from "./secrets";

/** Text safe in a # comment: one line, control characters escaped. */
export function comment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

const envVar = (name: SecretName, next?: boolean) => `${next ? "NEW_" : ""}${SECRETS[name].envVar}`;

// The helpers, each with the line that says what it does. Only those a plan
// uses are written out (shellcheck then has nothing unused to warn about).
// $SAFE below is quoteArg's set of characters that need no quotes, spelled
// out rather than as ranges, which some locales widen.
const SAFE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
const HELPERS = {
  say: ["# say TEXT: prints a step's title.", `say() { printf '==> %s\\n' "$1"; }`],
  fail: ["# fail TEXT: stops the script with TEXT.", `fail() { printf '%s\\n' "$1" >&2; exit 1; }`],
  q: [
    "# q ARG...: the arguments as one command line for the host's shell, each quoted as Warren quotes it.",
    "q() {",
    "  _line=",
    '  for _a in "$@"; do',
    "    case $_a in",
    `      '' | *[!${SAFE_CHARS}]*)`,
    "        _r='' _s=$_a",
    "        while :; do",
    "          case $_s in",
    "            *\\'*) _r=$_r${_s%%\\'*}\\'\\\\\\'\\'; _s=${_s#*\\'} ;;",
    "            *) break ;;",
    "          esac",
    "        done",
    "        _a=\"'$_r$_s'\" ;;",
    "    esac",
    "    _line=${_line:+$_line }$_a",
    "  done",
    "  printf '%s' \"$_line\"",
    "}",
  ],
  on: [
    "# on HOST LINE: runs the command line LINE on HOST over ssh (through sudo on the hosts in SUDO_HOSTS); stdin passes through.",
    'on() { ssh -o BatchMode=yes -- "$1" "$2"; }',
  ],
  onSudo: [
    "# on HOST LINE: runs the command line LINE on HOST over ssh (through sudo on the hosts in SUDO_HOSTS); stdin passes through.",
    "on() {",
    "  case $SUDO_HOSTS in",
    '    *" $1 "*) ssh -o BatchMode=yes -- "$1" "$(q sudo -n -- sh -c "$2")" ;;',
    '    *) ssh -o BatchMode=yes -- "$1" "$2" ;;',
    "  esac",
    "}",
  ],
  run: [
    "# run [-i TEXT] HOST CMD...: runs the command CMD on HOST, with TEXT (or nothing) on its standard input.",
    "run() {",
    "  _in=''; if [ \"$1\" = -i ]; then _in=$2; shift 2; fi",
    "  _h=$1; shift",
    "  printf '%s' \"$_in\" | on \"$_h\" \"$(q \"$@\")\"",
    "}",
  ],
  inPlace: [
    "# in_place [-i TEXT] [-m TEXT] HOST CHECK...: true when the check CHECK passes on HOST, i.e. the step's effect is there already",
    "# (says so, or says -m's TEXT); false when the step still has to run.",
    "in_place() {",
    "  _in='' _msg='    already in place'",
    "  while :; do",
    "    case $1 in",
    "      -i) _in=$2; shift 2 ;;",
    "      -m) _msg=\"==> $2\"; shift 2 ;;",
    "      *) break ;;",
    "    esac",
    "  done",
    "  _h=$1; shift",
    "  printf '%s' \"$_in\" | on \"$_h\" \"$(q \"$@\")\" >/dev/null 2>&1 || return 1",
    "  printf '%s\\n' \"$_msg\"",
    "}",
  ],
  install: [
    "# install HOST TEXT PATH MODE OWNER VALIDATE THEN VERIFY: puts TEXT at PATH on HOST (mode MODE, owner OWNER or root's)",
    "# unless it is there already. The new file goes next to PATH first and VALIDATE checks it there; it then replaces PATH,",
    "# keeping the previous version, and THEN (a reload) and VERIFY run; if either fails the previous version comes back.",
    "# VALIDATE, THEN and VERIFY are command lines (made by q), or '' for none.",
    "install() {",
    "  _h=$1 _in=$2 _p=$3",
    "  if printf '%s' \"$_in\" | on \"$_h\" \"$(q sh -c \"$FILE_IN_PLACE\" in-place \"$_p\" \"$4\")\" >/dev/null 2>&1; then echo '    already in place'; return 0; fi",
    "  printf '%s' \"$_in\" | on \"$_h\" \"$(q sh -c \"$FILE_UPLOAD\" upload \"$_p\" \"$4\" \"$5\")\"",
    "  if [ -n \"$6\" ] && ! on \"$_h\" \"$6\" </dev/null; then",
    "    on \"$_h\" \"$(q rm -f \"$_p.warren-new\")\" </dev/null",
    "    fail \"the new $_p failed validation: not installed\"",
    "  fi",
    "  on \"$_h\" \"$(q sh -c \"$FILE_SWAP\" swap \"$_p\")\" </dev/null",
    "  if ! { { [ -z \"$7\" ] || on \"$_h\" \"$7\" </dev/null; } && { [ -z \"$8\" ] || on \"$_h\" \"$8\" </dev/null; }; }; then",
    "    on \"$_h\" \"$(q sh -c \"$FILE_ROLLBACK\" rollback \"$_p\")\" </dev/null",
    "    [ -z \"$7\" ] || on \"$_h\" \"$7\" </dev/null || true",
    "    fail \"rolled back $_p to its previous version\"",
    "  fi",
    "}",
  ],
  waitFor: [
    "# wait_for SECONDS EVERY WHAT HOST CMD...: runs CMD on HOST every EVERY seconds until it exits 0; gives up after SECONDS.",
    "wait_for() {",
    "  _end=$(( $(date +%s) + $1 )) _every=$2 _what=$3 _h=$4; shift 4",
    "  _cmd=$(q \"$@\")",
    "  until on \"$_h\" \"$_cmd\" </dev/null; do",
    "    [ \"$(date +%s)\" -lt \"$_end\" ] || fail \"gave up waiting for $_what\"",
    "    sleep \"$_every\"",
    "  done",
    "}",
  ],
  waitForOne: [
    "# wait_for_one SECONDS EVERY WHAT 'HOST...' NOT CMD...: runs CMD on each HOST every EVERY seconds until exactly one of",
    "# them says yes (exits 0) and that one is not NOT; leaves it in $found. Gives up after SECONDS.",
    "wait_for_one() {",
    "  _end=$(( $(date +%s) + $1 )) _every=$2 _what=$3 _hosts=$4 _not=$5; shift 5",
    "  _cmd=$(q \"$@\")",
    "  while :; do",
    "    _n=0 found=''",
    "    for _h in $_hosts; do",
    "      if on \"$_h\" \"$_cmd\" </dev/null >/dev/null 2>&1; then _n=$((_n + 1)); found=$_h; fi",
    "    done",
    "    if [ \"$_n\" = 1 ] && [ \"$found\" != \"$_not\" ]; then return 0; fi",
    "    [ \"$(date +%s)\" -lt \"$_end\" ] || fail \"gave up waiting for $_what\"",
    "    sleep \"$_every\"",
    "  done",
    "}",
  ],
  pause: [
    "# pause TEXT: waits for Enter on the terminal.",
    "pause() { printf '%s — press Enter to continue ' \"$1\"; read -r _ </dev/tty; }",
  ],
} as const;
type Helper = keyof typeof HELPERS;
const NEEDS: Partial<Record<Helper, Helper[]>> = {
  on: ["q"], onSudo: ["q"], run: ["q", "on"], inPlace: ["q", "on"], install: ["q", "on", "fail"], waitFor: ["q", "on", "fail"], waitForOne: ["q", "on", "fail"],
};
const HELPER_ORDER: Helper[] = ["say", "fail", "q", "on", "onSudo", "run", "inPlace", "install", "waitFor", "waitForOne", "pause"];

/** An argument long enough, or multi-line, to be defined once at the top instead of written in its step's line. */
const isLong = (a: string) => a.includes("\n") || a.length > 60;

/** Variables the script defines, each once: scripts and texts the steps send, by content. */
class Definitions {
  private byText = new Map<string, string>();
  private used = new Set<string>();
  readonly lines: string[] = [];
  constructor(reserved: string[]) { for (const r of reserved) this.used.add(r); }

  /** The first free name of those wanted (e.g. KEEPALIVED_CONF, then KEEPALIVED_CONF_NODE5), else the first numbered. */
  private name(wanted: string[]): string {
    const ids = wanted.map((w) => {
      const b = w.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "TEXT";
      return /^[0-9]/.test(b) ? `T_${b}` : b;
    });
    let n = ids.find((x) => !this.used.has(x));
    for (let i = 2; !n; i++) if (!this.used.has(`${ids[0]}_${i}`)) n = `${ids[0]}_${i}`;
    this.used.add(n);
    return n;
  }

  /** The variable holding `text` (defined on first use), as "$NAME". */
  ref(text: string, wanted: string | string[], why: string): string {
    let n = this.byText.get(text);
    if (!n) {
      const known = scriptName(text);
      n = this.name(known ? [known] : typeof wanted === "string" ? [wanted] : wanted);
      this.byText.set(text, n);
      this.lines.push("", `# ${comment(`${n}: ${why}`)}`, ...hereDoc(n, text));
    }
    return `"$${n}"`;
  }
}

/**
 * NAME="$(cat <<'WARREN' … WARREN)" with the text verbatim: a quoted
 * here-document expands nothing. $( ) drops trailing newlines; $NL puts
 * back exactly as many as the text has.
 */
function hereDoc(name: string, text: string): string[] {
  const lines = text.split("\n");
  let delim = "WARREN";
  for (let i = 2; lines.includes(delim); i++) delim = `WARREN_${i}`;
  const body = text.replace(/\n+$/, "");
  const newlines = text.length - body.length;
  return [`${name}="$(cat <<'${delim}'`, body, delim, `)${"$NL".repeat(newlines)}"`];
}

interface Ctx { defs: Definitions; use: (h: Helper) => void; type: string; documents: Map<string, string> }

/** A host as a shell word: a name, or a run variable recorded earlier in the script ({var:owner} → "$owner"). */
const hostWord = (host: string) => { const m = VAR_RE.exec(host); return m ? `"$${m[1]}"` : quoteArg(host); };

/** The title line: "==> node1: Write …". */
function say(ctx: Ctx, s: Step): string {
  ctx.use("say");
  const m = VAR_RE.exec(s.host);
  return m ? `say "$${m[1]}"${quoteArg(`: ${s.title}`)}` : `say ${quoteArg(`${s.host || "local"}: ${s.title}`)}`;
}

/** A command's words for a step's line: long arguments by their variable, run variables as "$name", the rest quoted. */
function words(ctx: Ctx, s: Step, argv: string[]): string {
  const stem = s.key.split(":")[0];
  return argv.map((a, i) => {
    const m = VAR_RE.exec(a);
    if (m) return `"$${m[1]}"`;
    if (!isLong(a)) return quoteArg(a);
    // `sh -c SCRIPT NAME`: a script Warren has no name for is named after its $0, else after its step.
    const script = argv[i - 1] === "-c";
    const named = script && argv[i + 1] && !["sh", "bash"].includes(argv[i + 1]) ? argv[i + 1] : `${stem}_${script ? "script" : "arg"}`;
    return ctx.defs.ref(a, named, script ? `the script of "${s.title}"` : `an argument of "${s.title}"`);
  }).join(" ");
}

/** The variable holding a definitions document the operator supplies as a file (one per backup the plan imports). */
function documentVar(ctx: Ctx, ref: DefinitionsRef): string {
  const id = JSON.stringify(ref);
  if (!ctx.documents.has(id)) ctx.documents.set(id, ctx.documents.size ? `DEFINITIONS_${ctx.documents.size + 1}` : "DEFINITIONS");
  return ctx.documents.get(id)!;
}

/** The variable holding a migration's shovels document (it holds the new password: the operator makes it). */
function shovelsVar(ctx: Ctx, ref: ShovelsRef): string {
  const id = JSON.stringify({ shovels: ref.queues.length, remote: ref.remote, direction: ref.direction, user: ref.user });
  if (!ctx.documents.has(id)) ctx.documents.set(id, ctx.documents.size ? `SHOVELS_${ctx.documents.size + 1}` : "SHOVELS");
  return ctx.documents.get(id)!;
}

/** "-i TEXT " for a step that reads its standard input, else "". */
function stdinOpt(ctx: Ctx, s: CommandStep): string {
  if (!s.stdin) return "";
  if ("secret" in s.stdin) return `-i "$${envVar(s.stdin.secret, s.stdin.next)}" `;
  if ("definitions" in s.stdin) return `-i "$${documentVar(ctx, s.stdin.definitions)}" `;
  if ("shovels" in s.stdin) return `-i "$${shovelsVar(ctx, s.stdin.shovels)}" `;
  const t = s.stdin.text;
  return `-i ${isLong(t) ? ctx.defs.ref(t, `${s.key.split(":")[0]}_text`, `what "${s.title}" reads on its standard input`) : quoteArg(t)} `;
}

/** A file's content as one shell word: its text, with secrets from the environment where the plan has {{secret:…}}. */
function contentWord(ctx: Ctx, s: FileStep): string {
  const base = s.path.split("/").pop() || "file";
  const all = splitSecrets(s.content);
  const split = all.length > 1;
  let part = 0;
  const words = all.map((p) => {
    if (!("text" in p)) return `$${SECRETS[p.secret].envVar}`;
    const suffix = split ? `_part_${++part}` : "";
    const ref = ctx.defs.ref(p.text, [`${base}${suffix}`, `${base}_${s.host}${suffix}`], `${s.path} as "${s.title}" installs it${split ? `, part ${part} (around the secrets, which come from the environment)` : ""}`);
    return ref.slice(1, -1);
  });
  return words.length ? `"${words.join("")}"` : "''";
}

/** A remote command line for the install helper: "$(q …)", or '' for none. */
const lineOf = (ctx: Ctx, s: Step, argv: string[] | undefined) => (argv ? `"$(q ${words(ctx, s, argv)})"` : "''");

function stepLines(ctx: Ctx, s: Step, withCheck: boolean, indent: string): string[] {
  const head = [...(s.destructive ? [`# ${comment(`DESTRUCTIVE: ${s.destructive}`)}`] : []), say(ctx, s)];
  const h = hostWord(s.host);
  let body: string[];
  switch (s.kind) {
    case "command": {
      ctx.use("run");
      const i = stdinOpt(ctx, s);
      const act = `run ${i}${h} ${words(ctx, s, s.argv)}`;
      if (withCheck && s.check) ctx.use("inPlace");
      body = [...(s.verify ? ["# Warren compares this output with the plan"] : []), withCheck && s.check ? `in_place ${i}${h} ${words(ctx, s, s.check)} || ${act}` : act];
      break;
    }
    case "file":
      ctx.use("install");
      for (const [n, t] of Object.entries({ FILE_IN_PLACE, FILE_UPLOAD, FILE_SWAP, FILE_ROLLBACK })) ctx.defs.ref(t, n, "how the install helper puts a file in place");
      body = [`install ${h} ${contentWord(ctx, s)} ${quoteArg(s.path)} ${quoteArg(s.mode)} ${quoteArg(s.owner ?? "")} ${lineOf(ctx, s, fileArgv.validate(s))} ${lineOf(ctx, s, s.then)} ${lineOf(ctx, s, s.verify)}`];
      break;
    case "gate": {
      const secs = Math.ceil(s.timeoutMs / 1000), every = Math.max(1, Math.round(s.intervalMs / 1000));
      if (s.across) {
        ctx.use("waitForOne");
        body = [`wait_for_one ${secs} ${every} ${quoteArg(s.waitingFor)} ${quoteArg(s.across.hosts.join(" "))} ${s.across.not ? hostWord(s.across.not) : "''"} ${words(ctx, s, s.argv)}${s.across.record ? `; ${s.across.record}=$found` : ""}`];
      } else {
        ctx.use("waitFor");
        body = [`wait_for ${secs} ${every} ${quoteArg(s.waitingFor)} ${h} ${words(ctx, s, s.argv)}`];
      }
      break;
    }
    case "local":
      body = [words(ctx, s, s.argv)];
      break;
    case "definitions":
      body = definitionsLines(ctx, s);
      break;
    case "pause":
      ctx.use("pause");
      return [`${indent}pause ${quoteArg(s.message)}`];
  }
  return [...head, ...body].map((l) => indent + l);
}

/** What Warren does itself with definitions, in words (the run's command column). */
export function definitionsCommand(s: DefinitionsStep): string {
  const from = `${s.hosts[0]}${s.hosts.length > 1 ? ` (else ${s.hosts.slice(1).join(", ")})` : ""}`;
  const a = s.action;
  switch (a.do) {
    case "backup": return `Warren reads the definitions from ${from} (the management API, else ${commandLine(exportDefinitions())}) and stores them, compressed and sealed`;
    case "delete": return `Warren deletes ${a.objects.length} object${a.objects.length === 1 ? "" : "s"} through ${from} (the management API, else rabbitmqctl): ${a.objects.slice(0, 5).map((r) => `${KIND_LABELS[r.kind].one} ${r.label}`).join("; ")}${a.objects.length > 5 ? `; and ${a.objects.length - 5} more` : ""}`;
    case "verify": return `Warren reads the live definitions from ${from} and compares them with backup ${a.against.backup}`;
  }
}

/**
 * A definitions step as the script can do it: a backup is the same export
 * into a local file only the operator can read; a deletion is rabbitmqctl's
 * command where it has one (exchanges and bindings are named in comments:
 * Warren deletes those through the management API); a verification is a
 * comment — Warren compares, a script cannot.
 */
function definitionsLines(ctx: Ctx, s: DefinitionsStep): string[] {
  const a = s.action;
  const h = hostWord(s.host);
  switch (a.do) {
    case "backup": {
      ctx.use("run");
      const file = quoteArg(`definitions-before-${ctx.type}.json`);
      const line = `( umask 077 && run ${h} ${words(ctx, s, exportDefinitions())} > ${file} )`;
      return [`# ${comment(`Warren stores the backup in its database; here it goes to a file only you can read${a.ifRunning ? " (a stopped cluster has nothing to export)" : ""}`)}`,
        a.ifRunning ? `${line} || echo ${quoteArg("    no node answers: nothing to back up now")}` : line];
    }
    case "delete":
      return a.objects.flatMap((r) => {
        const argv = deleteArgv(r);
        if (!argv) return [`# ${comment(`Warren deletes ${KIND_LABELS[r.kind].one} ${r.label} through the management API (rabbitmqctl cannot)`)}`];
        ctx.use("run");
        return [`run ${h} ${words(ctx, s, argv)} || echo ${quoteArg(`    ${KIND_LABELS[r.kind].one} ${r.label}: not there (or not deleted)`)}`];
      });
    case "verify":
      return [`# ${comment(`Warren reads the live definitions here and compares them with backup ${a.against.backup} (as it was imported); the run fails if anything differs that the plan did not say it would keep`)}`];
  }
}

export function planScript(plan: Plan, o: { title: string; sudoHosts?: string[] }): string {
  const hosts = [...new Set(allSteps(plan).flatMap((s) => [s.host, ...(s.kind === "gate" ? s.across?.hosts ?? [] : [])]).filter((h) => h && !VAR_RE.test(h)))];
  const sudo = hosts.filter((h) => o.sudoHosts?.includes(h));
  const secrets = secretsUsed(plan), rotated = secretsRotated(plan);
  const used = new Set<Helper>(["say"]);
  const use = (h: Helper) => { for (const x of [h, ...(NEEDS[h] ?? [])]) used.add(x === "on" && sudo.length ? "onSudo" : x); };
  const reserved = ["NL", "SUDO_HOSTS", "PATH", "HOME", "IFS", "found", "DEFINITIONS", "DEFINITIONS_FILE", ...Object.values(SECRETS).flatMap((d) => [d.envVar, `NEW_${d.envVar}`])];
  const ctx: Ctx = { defs: new Definitions(reserved), use, type: plan.type, documents: new Map() };

  const steps: string[] = [];
  plan.phases.forEach((ph, i) => {
    steps.push("", `# ${comment(`phase ${i + 1}: ${ph.title}${ph.inOrder ? " (step by step, in this order)" : ph.oneHostAtATime ? " (one host at a time)" : ""}`)}`);
    for (const w of workOfPhase(ph)) {
      if (!w.unit) { steps.push(...stepLines(ctx, w.step, true, "")); continue; }
      const head = w.steps[0];
      if (head.kind === "command" && head.check) {
        use("inPlace");
        const titles = w.steps.map((s) => s.title).join(", ");
        steps.push(`# ${comment(`one unit on ${head.host}, skipped as a whole when its check passes: ${titles}`)}`);
        steps.push(`in_place ${stdinOpt(ctx, head)}-m ${quoteArg(`${head.host}: already in place: ${titles}`)} ${hostWord(head.host)} ${words(ctx, head, head.check)} || {`);
        for (const s of w.steps) steps.push(...stepLines(ctx, s, false, "  "));
        steps.push("}");
      } else {
        for (const s of w.steps) steps.push(...stepLines(ctx, s, true, ""));
      }
    }
  });

  const out: string[] = [
    "#!/bin/sh",
    `# ${comment(`Warren plan: ${plan.type} — ${o.title}`)}`,
    "#",
    "# Run it with sh (or bash) where `ssh <host>` reaches each of these hosts (an ssh",
    `# config), as root or with passwordless sudo: ${comment(hosts.join(" "))}`,
    "# Each step checks on its host whether its effect is already there, so running",
    "# the script again changes nothing that is in place.",
    "set -eu",
  ];
  if (secrets.length || rotated.length) {
    out.push("", "# Secrets come from the environment and reach the hosts on stdin, never in arguments.");
    for (const n of secrets) out.push(`: "\${${SECRETS[n].envVar}:?set ${SECRETS[n].envVar} to the ${SECRETS[n].label} of the cluster}"`);
    for (const n of rotated) out.push(`: "\${${envVar(n, true)}:?set ${envVar(n, true)} to the new ${SECRETS[n].label}}"`);
  }
  if (ctx.documents.size) {
    out.push("", "# The definitions to import come from files (they hold password hashes) and reach the host on stdin.");
    for (const [id, v] of ctx.documents) {
      const parsed = JSON.parse(id) as DefinitionsRef | { shovels: number; user: string };
      if ("shovels" in parsed) {
        out.push(`# ${comment(`${v}_FILE: the ${parsed.shovels} shovels as a definitions document of runtime parameters (component "shovel"), their source URIs with user ${parsed.user} and the password in NEW_MIGRATION_PASSWORD`)}`);
        out.push(`: "\${${v}_FILE:?set ${v}_FILE to the shovels' definitions file}"`, `${v}=$(cat "$${v}_FILE")`);
        continue;
      }
      const ref = parsed;
      out.push(`# ${comment(`${v}_FILE: backup ${ref.backup} as Warren imports it${ref.prepare.target ? ` onto RabbitMQ ${ref.prepare.target}` : ""} (the plan lists what it translates and leaves out)`)}`);
      out.push(`: "\${${v}_FILE:?set ${v}_FILE to the definitions file to import}"`, `${v}=$(cat "$${v}_FILE")`);
    }
  }
  out.push("", "# ---- Helpers " + "-".repeat(66));
  if (sudo.length) out.push("# Hosts reached as a user with passwordless sudo.", `SUDO_HOSTS=${quoteArg(` ${sudo.join(" ")} `)}`);
  for (const h of HELPER_ORDER) if (used.has(h)) out.push(...HELPERS[h]);
  if (ctx.defs.lines.length) {
    out.push("", "# ---- What the steps send: scripts and texts, each defined once, verbatim " + "-".repeat(5));
    out.push("NL='", "'", ...ctx.defs.lines);
  }
  out.push("", "# ---- The plan " + "-".repeat(65), ...steps.slice(1));
  out.push("", `echo ${quoteArg(`plan ${plan.type} finished`)}`);
  return out.join("\n") + "\n";
}

/** Every command line a plan's script sends to a host, as the host's shell receives it (for tests: the same words the runner runs). */
export function remoteLine(argv: string[], sudo = false): string {
  const line = commandLine(argv);
  return sudo ? commandLine(["sudo", "-n", "--", "sh", "-c", line]) : line;
}
