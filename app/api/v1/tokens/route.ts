import { apiRoute, json, readJson } from "@/lib/api/http";
import { createApiToken, listTokens } from "@/lib/auth/users";
import { TokenInput } from "@/lib/inventory/schemas";

export const GET = apiRoute("admin", async () => json({ tokens: await listTokens() }));

export const POST = apiRoute("admin", async (req, _p, who) => {
  const input = TokenInput.parse(await readJson(req));
  return json({ token: await createApiToken(input.name, input.role, who) }, 201);
});
