import { apiRoute, json, readJson } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { db } from "@/lib/db";
import { createApiToken, tokenView } from "@/lib/auth/users";
import { TokenInput } from "@/lib/inventory/schemas";

export const GET = apiRoute("admin", async () =>
  json({ tokens: await db().apiToken.findMany({ select: tokenView, orderBy: { createdAt: "desc" } }) }));

export const POST = apiRoute("admin", async (req, _p, who) => {
  const input = TokenInput.parse(await readJson(req));
  const t = await createApiToken(input.name, input.role, who.userId);
  await audit(who, "token.create", { type: "token", name: t.name }, `role ${t.role} (api)`);
  return json({ token: t }, 201);
});
