// The one place where an argument vector becomes a POSIX shell command line.
// Every value that reaches a remote shell passes through quoteArg.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string): string {
  if (arg.includes("\0")) throw new Error("an argument cannot contain a NUL byte");
  if (arg !== "" && SAFE.test(arg)) return arg;
  // Inside single quotes nothing is special except the quote itself: end, escaped quote, reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("empty command");
  return argv.map(quoteArg).join(" ");
}

/** Replaces every occurrence of each secret with "***" (longest first, so overlapping secrets mask fully). */
export function maskSecrets(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  const list = secrets.filter((s): s is string => !!s && s.length >= 3).sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of list) out = out.split(s).join("***");
  return out;
}
