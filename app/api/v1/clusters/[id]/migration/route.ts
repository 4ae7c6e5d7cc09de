import { apiRoute, json } from "@/lib/api/http";
import { RequestError } from "@/lib/api/request";
import { migrationReadiness } from "@/lib/migration/service";

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Whether this cluster's clients can move to cluster `target` behind this
 * cluster's VIP (operator: it reads both clusters over SSH now): what blocks
 * it, what green will not have as blue has it and what happens instead, the
 * queues whose messages move. Names and counts only.
 */
export const GET = apiRoute("operator", async (req, { id }) => {
  const target = new URL(req.url).searchParams.get("target") ?? "";
  if (!ID.test(target)) throw new RequestError(400, "bad-request", "give target=<the id of the cluster to migrate to>");
  return json(await migrationReadiness(id, target));
});
