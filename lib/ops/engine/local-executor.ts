import "server-only";
// Local steps: a command on Warren's own machine, as an argument vector (no
// shell), with the same timeout, abort and output streaming as remote ones.
import { spawn } from "node:child_process";
import { SshError } from "@/lib/ssh/errors";
import type { Executor } from "./types";

export const localExecutor: Executor = {
  run(_host, argv, o) {
    const shown = argv.join(" ");
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "", stderr = "";
      const kill = () => child.kill("SIGTERM");
      const timer = setTimeout(kill, o.timeoutMs);
      o.signal?.addEventListener("abort", kill, { once: true });
      child.stdout.on("data", (d: Buffer) => { stdout += d; o.onOutput?.("stdout", d.toString()); });
      child.stderr.on("data", (d: Buffer) => { stderr += d; o.onOutput?.("stderr", d.toString()); });
      child.on("error", (e) => { clearTimeout(timer); reject(new SshError("exit", `could not run ${argv[0]}: ${e.message}`, { host: "warren", command: shown, exitCode: null })); });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        o.signal?.removeEventListener("abort", kill);
        if (o.signal?.aborted) return reject(new SshError("aborted", `cancelled: ${shown}`, { host: "warren", command: shown }));
        const exitCode = code ?? 128;
        if (exitCode !== 0 && !o.allowFailure)
          return reject(new SshError(signal ? "timeout" : "exit", `${signal ? `killed by ${signal}` : `exited with ${exitCode}`}: ${shown}`, { host: "warren", command: shown, exitCode, stderrTail: stderr.slice(-4000) }));
        resolve({ exitCode, stdout, stderr });
      });
    });
  },
};
