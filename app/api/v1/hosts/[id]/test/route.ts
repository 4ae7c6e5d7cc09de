import { apiRoute, json, notFound } from "@/lib/api/http";
import { testConnection } from "@/lib/inventory/hosts";

export const POST = apiRoute("operator", async (_r, { id }, who) => {
  const report = await testConnection(id, who);
  return report ? json(report) : notFound("host");
});
