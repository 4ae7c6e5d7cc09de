import { apiRoute, json, readJson } from "@/lib/api/http";
import { createUser, listUsers } from "@/lib/auth/users";
import { UserInput } from "@/lib/inventory/schemas";

export const GET = apiRoute("admin", async () => json({ users: await listUsers() }));

export const POST = apiRoute("admin", async (req, _p, who) => {
  const input = UserInput.parse(await readJson(req));
  return json({ user: await createUser(input.username, input.password, input.role, who) }, 201);
});
