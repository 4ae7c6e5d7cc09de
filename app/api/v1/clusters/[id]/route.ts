import { apiRoute, json, notFound } from "@/lib/api/http";
import { deleteCluster, getCluster } from "@/lib/inventory/clusters";

export const GET = apiRoute("viewer", async (_r, { id }) => {
  const c = await getCluster(id);
  return c ? json({ cluster: c }) : notFound("cluster");
});

export const DELETE = apiRoute("operator", async (_r, { id }, who) => {
  const c = await deleteCluster(id, who);
  return c ? json({ deleted: c.id }) : notFound("cluster");
});
