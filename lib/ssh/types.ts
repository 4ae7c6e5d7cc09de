/** Everything the SSH layer needs to reach a host; secrets already opened by the caller. */
export interface SshTarget {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  privateKey?: string;
  passphrase?: string;
  password?: string;
  useSudo: boolean;
  /** null: nothing trusted yet — pinned on first use, or (trustFirstKey false) held for confirmation. */
  pinnedFingerprint: string | null;
  /** false: the first key is recorded as pending and the connection refused until someone confirms it. */
  trustFirstKey?: boolean;
}

export interface HostKeyStore {
  /**
   * Called on the first connection to a host without a pinned key. Resolves
   * false when another key is trusted for the address by then (a concurrent
   * first connection pinned it): the connection is refused.
   */
  pin(target: SshTarget, fingerprint: string): Promise<boolean | void>;
  /** Called when a host presents a key that is not trusted (the connection is refused). */
  mismatch?(target: SshTarget, seen: string): Promise<void>;
}

export interface RunOptions {
  /** Kill the remote command after this long (default 5 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
  /** Values masked as *** in the reported command, output and errors. */
  secrets?: (string | undefined | null)[];
  /** Wrap in `sudo -n` when the host needs it (default true). */
  sudo?: boolean;
  /** Sent to the command's standard input (never in argv). */
  stdin?: string | Buffer;
  /** Return non-zero exits instead of throwing. */
  allowFailure?: boolean;
  /** Keep no copy of the output (a long-lived stream read through onOutput). */
  discardOutput?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}
