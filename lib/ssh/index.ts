export { SshPool } from "./client";
export { SshError, isSshError, type SshErrorKind } from "./errors";
export { fingerprint } from "./fingerprint";
export { commandLine, quoteArg, maskSecrets } from "./quote";
export type { SshTarget, HostKeyStore, RunOptions, RunResult } from "./types";
