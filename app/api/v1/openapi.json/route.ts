import { apiRoute, json } from "@/lib/api/http";
import { openApiDocument } from "@/lib/api/openapi";

export const GET = apiRoute("viewer", async () => json(openApiDocument));
