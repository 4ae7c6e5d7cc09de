export { SshPool } from "./client";
export { SshError, isSshError, type SshErrorKind } from "./errors";
export { fingerprint } from "./fingerprint";
export { commandLine, quoteArg, maskSecrets } from "./quote";
export { PROBE_SCRIPT, parseProbe, type ProbeFacts } from "./probe";
export type { SshTarget, HostKeyStore, RunOptions, RunResult } from "./types";
