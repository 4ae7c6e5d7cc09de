// The shell Warren sends to hosts, and the one way to send it. A script is a
// constant made here (shScript, bashScript) under its own name and exported
// from its module; tests/unit/shellcheck.test.ts finds every one and runs
// shellcheck over it, and fails when a script is made anywhere else. sh() and
// bash() accept only such scripts, so what shellcheck read is exactly what a
// host runs: values travel as arguments or on stdin, and a script that needs
// another (a platform's, the probe) takes it as an argument — no script's
// text is ever built or edited on the way.

declare const shell: unique symbol;
export type Shell = "sh" | "bash";
/** Shell text made by shScript() or bashScript(): registered, shellchecked. */
export type Script<S extends Shell = Shell> = string & { readonly [shell]: S };

export interface MadeScript { name: string; shell: Shell; text: string }
const made = new Map<string, MadeScript>();

function define<S extends Shell>(name: string, shell: S, text: string): Script<S> {
  const other = made.get(text);
  if (other && other.name !== name) throw new Error(`scripts ${other.name} and ${name} have the same text`);
  made.set(text, { name, shell, text });
  return text as Script<S>;
}

/** A POSIX sh script (run by dash on Debian), named as the constant that holds it. Files installed on hosts start with their own #! line. */
export const shScript = (name: string, text: string): Script<"sh"> => define(name, "sh", text);
/** A script that needs bash (/dev/tcp, arrays, read -t…). */
export const bashScript = (name: string, text: string): Script<"bash"> => define(name, "bash", text);

/** Every script made so far (the unit suite compares them with the exported constants). */
export const scriptsMade = (): MadeScript[] => [...made.values()];

/** The name of the script with this text, if it is one (a copied plan defines each script under its name). */
export const scriptName = (text: string): string | undefined => made.get(text)?.name;

/** `sh -c SCRIPT NAME ARGS…`: NAME becomes $0 (the host's error messages name the script by it), ARGS $1, $2… */
export const sh = (script: Script<"sh">, name: string, ...args: string[]): string[] => ["sh", "-c", script, name, ...args];

/** `bash -c SCRIPT NAME ARGS…`, for scripts that need bash. */
export const bash = (script: Script, name: string, ...args: string[]): string[] => ["bash", "-c", script, name, ...args];
