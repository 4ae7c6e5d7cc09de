import { apiRoute, json, notFound } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { deleteCluster, getCluster } from "@/lib/inventory/clusters";

export const GET = apiRoute("viewer", async (_r, { id }) => {
  const c = await getCluster(id);
  return c ? json({ cluster: c }) : notFound("cluster");
});

export const DELETE = apiRoute("operator", async (_r, { id }, who) => {
  const c = await deleteCluster(id);
  if (!c) return notFound("cluster");
  await audit(who, "cluster.delete", { type: "cluster", id: c.id, name: c.name }, "api");
  return json({ deleted: c.id });
});
