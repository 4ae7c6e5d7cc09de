import { apiRoute, json, notFound } from "@/lib/api/http";
import { deleteApiToken, getToken, revokeApiToken, tokenWorks } from "@/lib/auth/users";

/** Revokes a working token; a token that no longer works (revoked or expired) is removed from the list. */
export const DELETE = apiRoute("admin", async (_r, { id }, who) => {
  const t = await getToken(id);
  if (!t) return notFound("token");
  if (tokenWorks(t)) return json({ revoked: (await revokeApiToken(id, who))!.id });
  return json({ deleted: (await deleteApiToken(id, who))!.id });
});
