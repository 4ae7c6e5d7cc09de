import { apiRoute, json } from "@/lib/api/http";
import { RequestError } from "@/lib/api/request";
import { diffBackups } from "@/lib/backups/service";

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What differs from backup `from` to backup `to` (viewer), or to the live
 * cluster (`to=live`: read over SSH now, operator); `prepared=1` compares the
 * backup as a restore onto this cluster would import it. Names and fields,
 * never a hash or a credential.
 */
export const GET = apiRoute("viewer", async (req, { id }, who) => {
  const q = new URL(req.url).searchParams;
  const from = q.get("from") ?? "", to = q.get("to") ?? "";
  if (!ID.test(from) || !(to === "live" || ID.test(to))) throw new RequestError(400, "bad-request", "give from=<backup id> and to=<backup id> or to=live");
  return json(await diffBackups(id, from, to, who, { prepared: q.get("prepared") === "1" }));
});
