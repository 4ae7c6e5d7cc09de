import { apiRoute, json } from "@/lib/api/http";
import { operationCatalog } from "@/lib/ops/service";

/** The operations the caller may run, with their parameter schemas. */
export const GET = apiRoute("viewer", async (_r, _p, who) => json({ operations: operationCatalog(who.role) }));
