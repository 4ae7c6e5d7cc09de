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
