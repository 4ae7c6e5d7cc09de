import { apiRoute, json, notFound } from "@/lib/api/http";
import { revealClusterSecret } from "@/lib/inventory/secrets";
import { isSecretName } from "@/lib/ops/secrets";

/** An admin reads one secret's value; every reveal is audited. */
export const POST = apiRoute("admin", async (_r, { id, name }, who) => {
  if (!isSecretName(name)) return notFound("secret");
  const value = await revealClusterSecret(id, name, who);
  return value === null ? notFound("secret") : json({ name, value });
});
