import { apiRoute, json, readJson } from "@/lib/api/http";
import { createApiToken, listTokens } from "@/lib/auth/users";
import { TokenInput } from "@/lib/inventory/schemas";

export const GET = apiRoute("admin", async () => json({ tokens: await listTokens() }));

export const POST = apiRoute("admin", async (req, _p, who) => {
  return json({ token: await createApiToken(TokenInput.parse(await readJson(req)), who) }, 201);
});
