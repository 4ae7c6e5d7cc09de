// Reading a cluster's definitions and deleting objects from it, written
// against a small interface to the nodes (a command, and the management API
// on a node's loopback through its SSH connection) so the rules are unit-
// tested without hosts; lib/backups/cluster-io.ts is the real one.
// The management API first when the cluster has it (no process on the host
// sees anything), else rabbitmqctl, whose arguments never hold a document,
// a hash or a password.
import { briefMessage, isSshError } from "@/lib/ssh/errors";
import { apiPath, deleteArgv, exportDefinitions } from "./commands";
import { canonical, DefinitionsError, KIND_LABELS, parseDefinitions, type ObjectRef } from "./definitions";
import { DELETE_ORDER } from "./restore";

export interface CliResult { exitCode: number; stdout: string; stderr: string }

export interface ClusterIo {
  /** A command on a node; non-zero exits are returned, unreachable hosts throw. */
  cli(host: string, argv: string[], o: { timeoutMs: number; signal?: AbortSignal; stdin?: string }): Promise<CliResult>;
  /** The management API on the node's loopback with Warren's management user; absent when the cluster has no management plugin. */
  api?(host: string, o: { method: string; path: string; body?: string; timeoutMs: number; signal?: AbortSignal; maxBytes?: number }): Promise<{ status: number; body: string }>;
}

export class ReadError extends Error {}

export type Via = "management API" | "rabbitmqctl";
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const why = (e: unknown) => (isSshError(e) ? briefMessage(e) : e instanceof Error ? e.message : String(e));
const tail = (t: string) => t.trim().split("\n").filter(Boolean).slice(-3).join(" | ").slice(0, 400);

/** What the CLI printed, from its first "{" (a warning line before the document is not part of it). */
function documentIn(stdout: string): string {
  const i = stdout.indexOf("{");
  return i > 0 ? stdout.slice(i) : stdout;
}

/**
 * The definitions from the first of `hosts` that gives them: through the
 * management API when there is one, else (or when it fails) rabbitmqctl
 * export_definitions to stdout. Every host's reason is in the error when none does.
 */
export async function readDefinitions(io: ClusterIo, hosts: string[], signal?: AbortSignal): Promise<{ text: string; node: string; via: Via }> {
  const problems: string[] = [];
  for (const host of hosts) {
    if (signal?.aborted) throw new ReadError("cancelled");
    if (io.api) {
      try {
        const r = await io.api(host, { method: "GET", path: "/api/definitions", timeoutMs: 120_000, signal, maxBytes: MAX_DOCUMENT_BYTES });
        if (r.status === 200) { parseDefinitions(r.body); return { text: r.body, node: host, via: "management API" }; }
        problems.push(`${host}: the management API answered HTTP ${r.status}${r.status === 401 ? " (it refused Warren's management user)" : ""}`);
      } catch (e) {
        problems.push(`${host}: management API: ${e instanceof DefinitionsError ? `not a definitions document (${e.message})` : why(e)}`);
      }
    }
    try {
      const r = await io.cli(host, exportDefinitions(), { timeoutMs: 180_000, signal });
      if (r.exitCode !== 0) { problems.push(`${host}: rabbitmqctl export_definitions exited ${r.exitCode}${r.stderr.trim() ? `: ${tail(r.stderr)}` : ""}`); continue; }
      const text = documentIn(r.stdout);
      parseDefinitions(text);
      return { text, node: host, via: "rabbitmqctl" };
    } catch (e) {
      problems.push(`${host}: ${e instanceof DefinitionsError ? `rabbitmqctl export_definitions gave no definitions document (${e.message})` : why(e)}`);
    }
  }
  throw new ReadError(problems.length ? `no node gave its definitions: ${problems.join("; ")}` : "the cluster has no RabbitMQ node");
}

/** An answer or error saying the object is not there (deleted already, or gone with what held it). */
const NOT_THERE = /not[ _]found|no[ _]such|does not exist|not_found/i;

async function deleteOne(io: ClusterIo, host: string, r: ObjectRef, signal?: AbortSignal): Promise<"deleted" | "gone"> {
  const path = io.api ? apiPath(r) : null;
  if (io.api && path) {
    let target = path;
    if (r.kind === "bindings") {
      const list = await io.api(host, { method: "GET", path, timeoutMs: 60_000, signal });
      if (list.status === 404) return "gone";
      if (list.status !== 200) throw new Error(`listing the bindings answered HTTP ${list.status}`);
      const found = (JSON.parse(list.body) as { routing_key?: string; arguments?: unknown; properties_key?: string }[])
        .find((b) => (b.routing_key ?? "") === r.parts[4] && canonical(b.arguments ?? {}) === r.parts[5]);
      if (!found?.properties_key) return "gone";
      target = `${path}/${encodeURIComponent(found.properties_key)}`;
    }
    const res = await io.api(host, { method: "DELETE", path: target, timeoutMs: 60_000, signal });
    if (res.status === 404) return "gone";
    if (res.status >= 300) throw new Error(`the management API answered HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ""}`);
    return "deleted";
  }
  const argv = deleteArgv(r);
  if (!argv) throw new Error("rabbitmqctl cannot delete it and the cluster has no management plugin");
  const res = await io.cli(host, argv, { timeoutMs: 120_000, signal });
  if (res.exitCode === 0) return "deleted";
  if (NOT_THERE.test(`${res.stdout}\n${res.stderr}`)) return "gone";
  throw new Error(`rabbitmqctl ${argv[argv.findIndex((a) => a.endsWith("/rabbitmqctl")) + 1]} exited ${res.exitCode}${res.stderr.trim() ? `: ${tail(res.stderr)}` : ""}`);
}

/**
 * Deletes the objects in DELETE_ORDER (a kind's objects a few at a time), on
 * the first of `hosts` that answers; what is already gone counts as deleted,
 * so a retried step picks up where it stopped. The first failure stops it.
 */
export async function deleteObjects(io: ClusterIo, hosts: string[], objects: ObjectRef[], o: { signal?: AbortSignal; say: (line: string) => void; concurrency?: number }): Promise<{ deleted: number; gone: number }> {
  let host: string | null = null;
  const problems: string[] = [];
  for (const h of hosts) {
    try {
      await io.cli(h, ["true"], { timeoutMs: 30_000, signal: o.signal });
      host = h;
      break;
    } catch (e) {
      problems.push(`${h}: ${why(e)}`);
    }
  }
  if (!host) throw new ReadError(`no node answers: ${problems.join("; ")}`);
  const counts = { deleted: 0, gone: 0 };
  const byKind = DELETE_ORDER.map((k) => objects.filter((r) => r.kind === k));
  for (const batch of byKind) {
    for (let i = 0; i < batch.length; i += o.concurrency ?? 4) {
      await Promise.all(batch.slice(i, i + (o.concurrency ?? 4)).map(async (r) => {
        const what = `${KIND_LABELS[r.kind].one} ${r.label}`;
        let done: "deleted" | "gone";
        try {
          done = await deleteOne(io, host!, r, o.signal);
        } catch (e) {
          throw new Error(`deleting ${what} on ${host}: ${why(e)}`);
        }
        counts[done]++;
        o.say(done === "deleted" ? `deleted ${what}` : `${what}: already gone`);
      }));
    }
  }
  return counts;
}
