import { apiRoute, json } from "@/lib/api/http";
import { RequestError } from "@/lib/api/request";
import { uploadBackup } from "@/lib/backups/service";
import { gunzipBounded } from "@/lib/backups/pack";

/** What server.mjs lets through; a definitions file of a large cluster fits gzipped (the card compresses it in the browser). */
const MAX_UPLOAD_BYTES = 1024 * 1024;

async function body(req: Request): Promise<Buffer> {
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_UPLOAD_BYTES) { await reader.cancel(); throw new RequestError(413, "too-large", `the upload is over ${MAX_UPLOAD_BYTES} bytes: send it gzipped (Content-Type: application/gzip)`); }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * An external definitions file kept as a backup of the cluster (operator):
 * the JSON as application/json, or gzipped as application/gzip. ?reason= says why.
 */
export const POST = apiRoute("operator", async (req, { id }, who) => {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const gz = type === "application/gzip" || type === "application/x-gzip" || req.headers.get("content-encoding")?.toLowerCase() === "gzip";
  if (!gz && type !== "application/json") throw new RequestError(415, "unsupported-media-type", `send the definitions as application/json, or gzipped as application/gzip (got ${type || "no content type"})`);
  const raw = await body(req);
  if (!raw.length) throw new RequestError(400, "bad-request", "the upload is empty");
  let text: string;
  try {
    text = gz ? gunzipBounded(raw) : raw.toString("utf8");
  } catch (e) {
    throw new RequestError(400, "bad-request", e instanceof Error ? e.message : "the body cannot be read");
  }
  const reason = new URL(req.url).searchParams.get("reason")?.slice(0, 200) || null;
  return json({ backup: await uploadBackup(id, text, who, reason) }, 201);
});
