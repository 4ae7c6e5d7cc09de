import { apiRoute, json } from "@/lib/api/http";

export const GET = apiRoute("viewer", async (_r, _p, who) => json({ username: who.username, role: who.role, via: who.kind }));
