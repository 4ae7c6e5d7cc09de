// The only module that imports ssh2. A pool keeps one persistent connection
// per host, reconnects with backoff, caps concurrent channels, pins host keys
// on first use and refuses a changed key.
import { StringDecoder } from "node:string_decoder";
import { randomBytes } from "node:crypto";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { SshError } from "./errors";
import { fingerprint } from "./fingerprint";
import { commandLine, maskSecrets } from "./quote";
import type { HostKeyStore, RunOptions, RunResult, SshTarget } from "./types";

const MAX_CHANNELS = 8; // below OpenSSH's default MaxSessions (10)
const CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const OUTPUT_CAP = 8 * 1024 * 1024;
const STDERR_TAIL = 4000;

interface PooledConnection {
  key: string;
  client: Client;
  active: number;
  waiters: (() => void)[];
  closed: boolean;
  /** Dropped from the pool: takes no new commands, ends when its last one finishes. */
  retired: boolean;
}

interface ExitStatus { code: number | null; signal?: string }

const noopStore: HostKeyStore = { pin: async () => {} };

/**
 * upload()'s remote half: stdin to $1 through a temporary file, mode $2, owner
 * $3. lib/ssh imports nothing of Warren, so this one script is not made with
 * lib/shell; the unit suite shellchecks it by name all the same.
 */
export const UPLOAD_SCRIPT =
  'set -e; t=$(mktemp "$1.XXXXXX"); trap \'rm -f "$t"\' EXIT; cat > "$t"; chmod "$2" "$t"; ' +
  'if [ -n "$3" ]; then chown "$3" "$t"; fi; mv -f "$t" "$1"; trap - EXIT';

export class SshPool {
  private readonly conns = new Map<string, Promise<PooledConnection>>();

  constructor(
    private readonly store: HostKeyStore = noopStore,
    private readonly opts: { connectTimeoutMs?: number } = {},
  ) {}

  /** Runs argv on the host. Each argument is quoted by quoteArg; nothing is ever concatenated raw. */
  async run(target: SshTarget, argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const secs = Math.max(1, Math.ceil(timeoutMs / 1000));
    const sudo = o.sudo !== false && target.useSudo && target.username !== "root";
    // `timeout` kills the remote process group, so nothing outlives the deadline on the host.
    // The tag in its arguments lets a cancel find that group (see killRemote).
    const tag = `w${randomBytes(8).toString("hex")}`;
    const asRoot = sudo ? ["sudo", "-n", "--"] : [];
    const full = [...asRoot, "timeout", "-k", "5", String(secs), "env", `WARREN_OP=${tag}`, ...argv];
    const shown = maskSecrets(commandLine(argv), o.secrets);
    const mask = (t: string) => maskSecrets(t, o.secrets);
    if (o.signal?.aborted) throw new SshError("aborted", `cancelled before running: ${shown}`, { host: target.name, command: shown });

    const conn = await this.connection(target, o.signal);
    await this.acquire(conn);
    const started = Date.now();
    try {
      const { stream, exit } = await this.openChannel(conn, commandLine(full), target.name, shown);
      return await new Promise<RunResult>((resolve, reject) => {
        let stdout = "", stderr = "", settled = false;
        const finish = (e?: SshError) => {
          if (settled) return;
          settled = true;
          clearTimeout(hardTimer);
          o.signal?.removeEventListener("abort", onAbort);
          if (e) reject(e);
        };
        // Client-side backstop, in case the host itself is hung.
        const hardTimer = setTimeout(() => {
          this.killRemote(conn, asRoot, tag, stream);
          finish(new SshError("timeout", `timed out after ${secs}s: ${shown}`, {
            host: target.name, command: shown, exitCode: null, stderrTail: mask(stderr.slice(-STDERR_TAIL)),
          }));
        }, timeoutMs + 8000);
        const onAbort = () => {
          this.killRemote(conn, asRoot, tag, stream);
          finish(new SshError("aborted", `cancelled: ${shown}`, { host: target.name, command: shown }));
        };
        o.signal?.addEventListener("abort", onAbort, { once: true });

        // A multi-byte character split between two chunks stays whole (a definitions export holds any UTF-8 name).
        const outText = new StringDecoder("utf8"), errText = new StringDecoder("utf8");
        stream.on("data", (d: Buffer) => {
          const t = outText.write(d);
          if (!o.discardOutput && stdout.length < OUTPUT_CAP) stdout += t;
          o.onOutput?.("stdout", mask(t));
        });
        stream.stderr.on("data", (d: Buffer) => {
          const t = errText.write(d);
          if (stderr.length < OUTPUT_CAP) stderr += t;
          else stderr = stderr.slice(-STDERR_TAIL) + t;
          o.onOutput?.("stderr", mask(t));
        });
        stream.on("close", () => {
          if (settled) return;
          const { code: exitCode, signal: exitSignal } = exit;
          const durationMs = Date.now() - started;
          const tail = mask(stderr.slice(-STDERR_TAIL));
          // 124: `timeout` fired; 137: it had to SIGKILL.
          if ((exitCode === 124 || exitCode === 137) && durationMs >= timeoutMs - 500) {
            finish(new SshError("timeout", `timed out after ${secs}s and was killed: ${shown}`, {
              host: target.name, command: shown, exitCode, stderrTail: tail,
            }));
            return;
          }
          if (exitCode === null && !exitSignal) {
            // sshd ended the session without reporting how the command ended.
            finish(new SshError("protocol", `the session closed without an exit status, so the outcome is unknown: ${shown}`, {
              host: target.name, command: shown, exitCode: null, stderrTail: tail,
            }));
            return;
          }
          const code = exitCode ?? 128;
          if (code !== 0 && !o.allowFailure) {
            finish(new SshError("exit", `exited with ${code}${exitSignal ? ` (${exitSignal})` : ""}: ${shown}`, {
              host: target.name, command: shown, exitCode: code, stderrTail: tail,
            }));
            return;
          }
          finish();
          resolve({ exitCode: code, stdout: mask(stdout), stderr: mask(stderr), durationMs });
        });
        if (o.stdin !== undefined) stream.end(o.stdin);
        else stream.end();
      });
    } finally {
      this.release(conn);
    }
  }

  /**
   * Ends a command on the host, not just our end of it: closing the channel
   * leaves a command without a terminal running (an aborted apt-get install
   * ran to the end), and sshd ignores "signal" requests. A second exec tells
   * `timeout` (found by the run's tag) to TERM its process group, then KILL
   * it 5 s later. The [w] keeps the pattern from matching the killer itself.
   */
  private killRemote(conn: PooledConnection, asRoot: string[], tag: string, stream: ClientChannel): void {
    const pattern = `WARREN_OP=[${tag[0]}]${tag.slice(1)}( |$)`;
    const closeLater = setTimeout(() => stream.close(), 10_000);
    closeLater.unref();
    stream.once("close", () => clearTimeout(closeLater));
    if (conn.closed) return;
    // Straight on the connection, not through acquire(): a full channel cap must not delay a kill.
    conn.client.exec(commandLine([...asRoot, "pkill", "-TERM", "-f", "--", pattern]), (err, ch) => {
      if (err) return;
      ch.resume();
      ch.stderr.resume();
      ch.end();
    });
  }

  /**
   * sshd may still count sessions that are closing against MaxSessions and
   * refuse a new channel for a moment: such refusals are retried with backoff.
   */
  private async openChannel(conn: PooledConnection, line: string, host: string, shown: string): Promise<{ stream: ClientChannel; exit: ExitStatus }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise((resolve, reject) =>
          conn.client.exec(line, (err, stream) => {
            if (err) return reject(err);
            // Listen for the exit status now, inside ssh2's callback: a quick
            // command's EOF, exit-status and CLOSE can arrive in the same packet
            // burst as the exec confirmation, and 'exit' is emitted only once,
            // before code awaiting this promise could attach a listener.
            const exit: ExitStatus = { code: null };
            stream.on("exit", (code: number | null, signal?: string) => { exit.code = code; exit.signal = signal; });
            resolve({ stream, exit });
          }));
      } catch (err) {
        if (conn.closed || attempt >= 8 || !/open failed|administratively prohibited/i.test((err as Error).message))
          throw new SshError("protocol", `could not open a channel: ${(err as Error).message}`, { host, command: shown });
        await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /**
   * A TCP connection to host:port as the target sees it (by default its own
   * loopback), carried inside the target's one SSH connection: nothing new is
   * opened on the network, and a service bound to localhost stays there.
   */
  async forward(target: SshTarget, port: number, host = "127.0.0.1", signal?: AbortSignal): Promise<ClientChannel> {
    const conn = await this.connection(target, signal);
    return new Promise((resolve, reject) =>
      conn.client.forwardOut("127.0.0.1", 0, host, port, (err, stream) => {
        if (err) reject(new SshError("protocol", `${target.name} could not open ${host}:${port}: ${err.message}`, { host: target.name }));
        else resolve(stream);
      }));
  }

  /**
   * Writes content to a remote file atomically (temp file, chmod/chown, rename).
   * The content travels on stdin, never in argv, so it is not visible in `ps` on the host.
   */
  async upload(
    target: SshTarget,
    remotePath: string,
    content: string | Buffer,
    o: { mode?: string; owner?: string; secrets?: string[]; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const mode = o.mode ?? "0644";
    if (!/^0?[0-7]{3}$/.test(mode)) throw new Error(`bad file mode ${mode}`);
    await this.run(target, ["sh", "-c", UPLOAD_SCRIPT, "sh", remotePath, mode, o.owner ?? ""], {
      stdin: content, secrets: o.secrets, timeoutMs: o.timeoutMs ?? 60_000, signal: o.signal,
    });
  }

  /** Opens (or reuses) the connection and reports what it took. */
  async connect(target: SshTarget, signal?: AbortSignal): Promise<{ reused: boolean; ms: number }> {
    const started = Date.now();
    const reused = this.conns.has(this.poolKey(target));
    await this.connection(target, signal);
    return { reused, ms: Date.now() - started };
  }

  /**
   * Takes a host's connection out of the pool, e.g. after its credentials or
   * pinned key changed: the next command connects afresh. Commands already
   * running on it finish first — ending the connection under them would
   * hang up their sessions and kill them on the host mid-step.
   */
  drop(hostId: string): void {
    for (const [k, p] of this.conns) {
      if (!k.startsWith(`${hostId}|`)) continue;
      this.conns.delete(k);
      p.then((c) => { c.retired = true; this.endIfIdle(c); }).catch(() => {});
    }
  }

  private endIfIdle(c: PooledConnection): void {
    if (!c.retired || c.active > 0 || c.waiters.length || c.closed) return;
    c.closed = true;
    c.client.end();
  }

  closeAll(): void {
    for (const k of [...this.conns.keys()]) this.drop(k.split("|")[0]);
  }

  private poolKey(t: SshTarget): string {
    // Any change of address, user or credentials gives a new connection. The
    // pin is left out: recording the first pin must not retire the very
    // connection that verified it, and a changed pin is followed by drop().
    const h = fingerprint(Buffer.from([t.address, t.port, t.username, t.privateKey, t.passphrase, t.password].join("\0")));
    return `${t.id}|${h}`;
  }

  private async connection(target: SshTarget, signal?: AbortSignal): Promise<PooledConnection> {
    const key = this.poolKey(target);
    for (;;) {
      const existing = this.conns.get(key);
      if (!existing) break;
      const c = await existing.catch(() => null);
      if (c && !c.closed && !c.retired) return c;
      if (this.conns.get(key) === existing) this.conns.delete(key);
    }
    this.drop(target.id); // an older connection with stale settings
    const p = this.connectWithBackoff(target, key, signal);
    this.conns.set(key, p);
    p.catch(() => { if (this.conns.get(key) === p) this.conns.delete(key); });
    return p;
  }

  private async connectWithBackoff(target: SshTarget, key: string, signal?: AbortSignal): Promise<PooledConnection> {
    const deadline = Date.now() + (this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    let delay = 200;
    for (;;) {
      try {
        return await this.connectOnce(target, key, Math.max(1000, deadline - Date.now()));
      } catch (e) {
        const err = e as SshError;
        // Only a missing connection is worth retrying; a refused key or credential will not change.
        if (err.kind !== "unreachable" || Date.now() + delay >= deadline || signal?.aborted) throw err;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  private connectOnce(target: SshTarget, key: string, timeoutMs: number): Promise<PooledConnection> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let keyProblem: SshError | undefined;
      let settled = false;
      const where = `${target.address}:${target.port}`;
      const config: ConnectConfig = {
        host: target.address,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        passphrase: target.passphrase,
        password: target.password,
        readyTimeout: timeoutMs,
        // A host busy installing on a starved CPU can be slow to answer; 40 s of silence means gone.
        keepaliveInterval: 10_000,
        keepaliveCountMax: 4,
        tryKeyboard: false,
        hostVerifier: (raw: Buffer, verify: (ok: boolean) => void) => {
          const seen = fingerprint(raw);
          if (!target.pinnedFingerprint && target.trustFirstKey === false) {
            keyProblem = new SshError(
              "hostkey",
              `${target.name} (${where}) presents the key ${seen}. Warren does not trust a first key for this host: compare it with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and confirm it on the host's page.`,
              { host: target.name, actualFingerprint: seen },
            );
            (this.store.mismatch?.(target, seen) ?? Promise.resolve()).finally(() => verify(false));
            return;
          }
          if (!target.pinnedFingerprint) {
            this.store.pin(target, seen).then((trusted) => {
              if (trusted !== false) return verify(true);
              keyProblem = new SshError("hostkey", `${target.name} (${where}) presents the key ${seen}, but another key was pinned for this address meanwhile: test the connection again`, { host: target.name, actualFingerprint: seen });
              (this.store.mismatch?.(target, seen) ?? Promise.resolve()).finally(() => verify(false));
            }, () => verify(false));
            return;
          }
          if (seen === target.pinnedFingerprint) return verify(true);
          keyProblem = new SshError(
            "hostkey",
            `host key of ${target.name} (${where}) has changed: pinned ${target.pinnedFingerprint}, offered ${seen}. ` +
              "Refusing to connect. If the host was legitimately reinstalled, an admin can accept the new key.",
            { host: target.name, expectedFingerprint: target.pinnedFingerprint, actualFingerprint: seen },
          );
          (this.store.mismatch?.(target, seen) ?? Promise.resolve()).finally(() => verify(false));
        },
      } as ConnectConfig;
      const conn: PooledConnection = { key, client, active: 0, waiters: [], closed: false, retired: false };
      client.on("ready", () => {
        settled = true;
        resolve(conn);
      });
      client.on("error", (err: Error & { level?: string; code?: string }) => {
        if (!settled) {
          settled = true;
          client.end();
          reject(keyProblem ?? classify(err, target.name, where, timeoutMs));
        }
      });
      client.on("close", () => {
        conn.closed = true;
        // Forget a dead connection so the next run reconnects.
        this.conns.get(key)?.then((c) => { if (c === conn) this.conns.delete(key); }, () => {});
        if (!settled) {
          settled = true;
          reject(keyProblem ?? new SshError("unreachable", `connection to ${where} closed during handshake`, { host: target.name }));
        }
      });
      try {
        client.connect(config);
      } catch (err) {
        settled = true;
        reject(new SshError("auth", `cannot use the credentials for ${target.name}: ${(err as Error).message}`, { host: target.name }));
      }
    });
  }

  private acquire(c: PooledConnection): Promise<void> {
    if (c.active < MAX_CHANNELS) {
      c.active++;
      return Promise.resolve();
    }
    return new Promise((r) => c.waiters.push(() => { c.active++; r(); }));
  }

  private release(c: PooledConnection): void {
    c.active--;
    c.waiters.shift()?.();
    this.endIfIdle(c);
  }
}

function classify(err: Error & { level?: string; code?: string }, host: string, where: string, timeoutMs: number): SshError {
  if (err.level === "client-authentication")
    return new SshError("auth", `authentication to ${where} failed: the server refused the key or password`, { host });
  if (err.level === "client-timeout" || /timed out/i.test(err.message))
    return new SshError("unreachable", `${where} did not answer within ${Math.round(timeoutMs / 1000)}s (host down or network cut?)`, { host });
  switch (err.code) {
    case "ECONNREFUSED":
      return new SshError("unreachable", `${where} refused the connection (is sshd running on that port?)`, { host });
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new SshError("unreachable", `no route to ${where}`, { host });
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new SshError("unreachable", `cannot resolve ${where}`, { host });
    case "ETIMEDOUT":
      return new SshError("unreachable", `${where} did not answer (connection timed out)`, { host });
  }
  if (/parse|passphrase|private key/i.test(err.message))
    return new SshError("auth", `cannot use the private key for ${host}: ${err.message}`, { host });
  return new SshError("protocol", `SSH error with ${where}: ${err.message}`, { host });
}
