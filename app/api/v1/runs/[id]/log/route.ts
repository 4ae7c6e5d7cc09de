import { apiRoute, json, notFound } from "@/lib/api/http";
import { getRunLog, runExists } from "@/lib/ops/service";

/** Log rows after a sequence number: a reconnecting client asks from its last seq and misses nothing. */
export const GET = apiRoute("viewer", async (req, { id }) => {
  if (!(await runExists(id))) return notFound("run");
  const after = Math.max(0, Number(new URL(req.url).searchParams.get("after") ?? 0) || 0);
  const lines = await getRunLog(id, after);
  return json({ lines, next: lines.length ? lines[lines.length - 1].seq : after });
});
