import { apiRoute, json, readJson } from "@/lib/api/http";
import { createRoute, listRoutes } from "@/lib/alerts/service";

/** Which incidents go to which channel (viewer). */
export const GET = apiRoute("viewer", async () => json({ routes: await listRoutes() }));

/** A route: a cluster (or every cluster, clusterId null) and a minimum severity to a channel, with a repeat interval (admin; audited). */
export const POST = apiRoute("admin", async (req, _p, who) => json({ route: await createRoute(await readJson(req), who) }, 201));
