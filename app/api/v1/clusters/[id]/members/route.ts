import { z } from "zod";
import { apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { ClusterInput } from "@/lib/inventory/schemas";
import { getCluster, setMembers } from "@/lib/inventory/clusters";

const Body = z.strictObject({ members: z.array(z.unknown()) });

/** Replaces the members of a cluster not set up yet (operator); a set-up cluster answers 409. */
export const PUT = apiRoute("operator", async (req, { id }, who) => {
  const c = await getCluster(id);
  if (!c) return notFound("cluster");
  const input = ClusterInput.parse({ name: c.name, members: Body.parse(await readJson(req)).members });
  return json({ cluster: await setMembers(id, input.members, who) });
});
