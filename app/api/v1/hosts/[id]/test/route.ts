import { apiRoute, json, notFound } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { getHost, testConnection } from "@/lib/inventory/hosts";

export const POST = apiRoute("operator", async (_r, { id }, who) => {
  if (!(await getHost(id))) return notFound("host");
  const report = await testConnection(id);
  await audit(who, "host.test-connection", { type: "host", id }, report.ok ? "ok (api)" : `${report.error?.kind} (api)`);
  return json(report);
});
