import { apiRoute, json } from "@/lib/api/http";
import { listInstances } from "@/lib/instances/status";

/** Every Warren instance on this database (renewed within a day), what each holds, and when it last renewed. */
export const GET = apiRoute("admin", async () => json(await listInstances()));
