import { apiRoute, json, notFound } from "@/lib/api/http";
import { revokeApiToken } from "@/lib/auth/users";

export const DELETE = apiRoute("admin", async (_r, { id }, who) => {
  const t = await revokeApiToken(id, who);
  return t ? json({ revoked: t.id }) : notFound("token");
});
