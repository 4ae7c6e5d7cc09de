export type SshErrorKind =
  | "exit" // the command ran and exited non-zero
  | "timeout" // the command outlived its timeout and was killed
  | "aborted" // cancelled by the caller
  | "unreachable" // no TCP connection (refused, no route, no answer)
  | "auth" // the server refused our credentials
  | "hostkey" // the server's key differs from the pinned one
  | "protocol"; // anything else from the SSH layer

/** The one error the SSH layer throws. Messages never contain secrets: commands are masked before they get here. */
export class SshError extends Error {
  readonly kind: SshErrorKind;
  readonly host: string;
  readonly command?: string;
  readonly exitCode?: number | null;
  readonly stderrTail?: string;
  readonly expectedFingerprint?: string;
  readonly actualFingerprint?: string;

  constructor(
    kind: SshErrorKind,
    message: string,
    details: {
      host: string;
      command?: string;
      exitCode?: number | null;
      stderrTail?: string;
      expectedFingerprint?: string;
      actualFingerprint?: string;
    },
  ) {
    super(message);
    this.name = "SshError";
    this.kind = kind;
    this.host = details.host;
    this.command = details.command;
    this.exitCode = details.exitCode;
    this.stderrTail = details.stderrTail;
    this.expectedFingerprint = details.expectedFingerprint;
    this.actualFingerprint = details.actualFingerprint;
  }

  /** A plain object for the UI and API: what failed, where, and why. */
  toJSON() {
    return {
      kind: this.kind,
      message: this.message,
      host: this.host,
      command: this.command,
      exitCode: this.exitCode,
      stderrTail: this.stderrTail,
      expectedFingerprint: this.expectedFingerprint,
      actualFingerprint: this.actualFingerprint,
    };
  }
}

/**
 * Next.js bundles instrumentation and route handlers separately, so one process
 * can hold two copies of this class while sharing the pool on globalThis:
 * recognise the error by shape, never with instanceof.
 */
export function isSshError(e: unknown): e is SshError {
  return e instanceof Error && e.name === "SshError" && typeof (e as { kind?: unknown }).kind === "string";
}

/** The message without the command line it quotes (shown separately where a step's command is). */
export function briefMessage(e: SshError): string {
  return e.command && e.message.endsWith(`: ${e.command}`) ? e.message.slice(0, -(e.command.length + 2)) : e.message;
}
