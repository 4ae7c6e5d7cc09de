import { z } from "zod";
import { apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { changeRole, deleteUser } from "@/lib/auth/users";

const Body = z.strictObject({ role: z.enum(["admin", "operator", "viewer"]) });

/** Change a user's role (admin); the last admin cannot be demoted. */
export const PATCH = apiRoute("admin", async (req, { id }, who) => {
  const u = await changeRole(id, Body.parse(await readJson(req)).role, who);
  return u ? json({ user: u }) : notFound("user");
});

export const DELETE = apiRoute("admin", async (_r, { id }, who) => {
  const u = await deleteUser(id, who);
  return u ? json({ deleted: u.id }) : notFound("user");
});
