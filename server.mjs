// Warren's HTTP server: Next.js's request handler behind a thin edge that
// does what a route handler cannot, because it never sees the connection.
//
//  - The TCP peer's address goes into x-warren-peer, replacing whatever a
//    client sent (lib/net/client-address.ts reads it; X-Forwarded-For counts
//    only when this peer is a trusted proxy).
//  - A request body is read whole, at most MAX_BODY_BYTES, before Next sees
//    it: a larger one is answered 413 here, and a client that goes away
//    mid-upload is simply dropped (Next's handler logged "Error: aborted" for
//    each, and a body still streaming could keep a handler waiting).
//
// Started by scripts/start.sh (`node server.mjs`) instead of `next start`.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";

const PEER_HEADER = "x-warren-peer"; // lib/net/client-address.ts PEER_HEADER
/** Next's own limit for server actions; the API reads at most 256 KiB of it (lib/api/request.ts). */
const MAX_BODY_BYTES = 1024 * 1024;

const port = Number(process.env.PORT || 3000);
const hostname = process.env.WARREN_HOST || "127.0.0.1";
const dir = path.dirname(fileURLToPath(import.meta.url));

// Tells lib/net/client-address.ts that PEER_HEADER is written here, so it may be believed.
globalThis.warrenPeerHeader = PEER_HEADER;

const app = next({ dev: false, dir, hostname, port });
const handle = app.getRequestHandler();

/** Bytes of a refused body read and dropped, so the client gets to read the answer; beyond this the connection is cut. */
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;

function refuse(req, res, status, message) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: status === 413 ? "too-large" : "bad-request", message }));
  let dropped = 0;
  req.on("data", (c) => { if ((dropped += c.length) > MAX_DISCARD_BYTES) req.socket.destroy(); });
  req.on("error", () => {});
  req.resume();
}

/** The whole body, or null when the client went away or it is too large (then already answered). */
function readBody(req, res) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on("data", (c) => {
      if (done) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        finish(null);
        return refuse(req, res, 413, `the request body is over ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(c);
    });
    req.on("end", () => finish(Buffer.concat(chunks)));
    // A client that disconnects mid-upload: nothing to answer, nothing to log.
    req.on("error", () => finish(null));
    req.on("close", () => finish(null));
  });
}

/** A request Next can read like the original, with the body already received. */
function replay(req, body) {
  const r = new http.IncomingMessage(req.socket);
  r.method = req.method;
  r.url = req.url;
  r.httpVersion = req.httpVersion;
  r.httpVersionMajor = req.httpVersionMajor;
  r.httpVersionMinor = req.httpVersionMinor;
  r.headers = req.headers;
  r.rawHeaders = req.rawHeaders;
  r.push(body);
  r.push(null);
  r.complete = true;
  return r;
}

const server = http.createServer(async (req, res) => {
  // The peer, and only the peer, in PEER_HEADER: a client's copy (or several) is discarded.
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  const raw = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() !== PEER_HEADER) raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  req.rawHeaders = [...raw, PEER_HEADER, req.headers[PEER_HEADER]];

  const declared = Number(req.headers["content-length"] ?? 0);
  const hasBody = declared > 0 || req.headers["transfer-encoding"] !== undefined;
  try {
    if (!hasBody) return await handle(req, res);
    if (declared > MAX_BODY_BYTES) return refuse(req, res, 413, `the request body is ${declared} bytes; at most ${MAX_BODY_BYTES} are accepted`);
    const body = await readBody(req, res);
    if (body === null) return;
    await handle(replay(req, body), res);
  } catch (e) {
    console.error(`[warren] request failed type=${e?.name ?? typeof e}`);
    refuse(req, res, 500, "Something went wrong on the server");
  }
});
// Slow clients may not hold a connection open for ever.
server.headersTimeout = 20_000;
server.requestTimeout = 60_000;

await app.prepare();
server.listen(port, hostname, () => console.log(`[warren] listening on http://${hostname}:${port}`));

// A clean stop: Warren's leases are given up first (lib/instances/work.ts), at most 3 s.
const shutdown = () => Promise.race([globalThis.warrenShutdown?.(), new Promise((r) => setTimeout(r, 3000))]).catch(() => {});
for (const sig of ["SIGTERM", "SIGINT"]) process.once(sig, () => { void shutdown().then(() => server.close(() => process.exit(0)).closeAllConnections?.()); });
