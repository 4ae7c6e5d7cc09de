// HTTP to a service on a host's loopback (the management API), through the
// host's SSH connection.
import http from "node:http";
import type { SshPool, SshTarget } from "@/lib/ssh";

export interface HttpResult { status: number; body: string }

export async function getVia(pool: SshPool, target: SshTarget, port: number, path: string, o: { auth?: string; timeoutMs: number }): Promise<HttpResult> {
  const stream = await pool.forward(target, port);
  return new Promise((resolve, reject) => {
    const req = http.request({
      method: "GET", path, host: "127.0.0.1", port,
      // No agent: with one (even agent: false) Node ignores createConnection and dials 127.0.0.1 here.
      createConnection: () => stream as never,
      headers: { Connection: "close", ...(o.auth ? { Authorization: o.auth } : {}) },
    }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => { if (body.length < 4 << 20) body += d; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    const timer = setTimeout(() => { req.destroy(new Error(`no answer from ${target.name}:${port}${path} within ${o.timeoutMs} ms`)); }, o.timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (e) => { stream.close(); reject(e); });
    req.end();
  });
}

export class HttpTooLargeError extends Error {}

/**
 * Any request to a service on a host's loopback through its SSH connection,
 * with a body, reading at most maxBytes of the answer (more is an error,
 * never a silently cut body): the definitions export and import.
 */
export async function requestVia(pool: SshPool, target: SshTarget, port: number, o: { method: string; path: string; body?: string; auth?: string; timeoutMs: number; maxBytes: number; signal?: AbortSignal }): Promise<HttpResult> {
  const stream = await pool.forward(target, port, "127.0.0.1", o.signal);
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : Buffer.from(o.body, "utf8");
    const req = http.request({
      method: o.method, path: o.path, host: "127.0.0.1", port,
      createConnection: () => stream as never,
      headers: { Connection: "close", ...(o.auth ? { Authorization: o.auth } : {}), ...(body ? { "Content-Type": "application/json", "Content-Length": String(body.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (d: Buffer) => {
        size += d.length;
        if (size > o.maxBytes) { req.destroy(new HttpTooLargeError(`the answer of ${target.name}:${port}${o.path} is over ${o.maxBytes} bytes`)); return; }
        chunks.push(d);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    const timer = setTimeout(() => { req.destroy(new Error(`no answer from ${target.name}:${port}${o.path} within ${o.timeoutMs} ms`)); }, o.timeoutMs);
    const abort = () => req.destroy(new Error("cancelled"));
    o.signal?.addEventListener("abort", abort, { once: true });
    req.on("close", () => { clearTimeout(timer); o.signal?.removeEventListener("abort", abort); });
    req.on("error", (e) => { stream.close(); reject(e); });
    req.end(body);
  });
}
