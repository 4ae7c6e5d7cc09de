import { apiRoute, json, notFound } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { revokeApiToken } from "@/lib/auth/users";

export const DELETE = apiRoute("admin", async (_r, { id }, who) => {
  const t = await revokeApiToken(id);
  if (!t) return notFound("token");
  await audit(who, "token.revoke", { type: "token", name: t.name }, "api");
  return json({ revoked: t.id });
});
