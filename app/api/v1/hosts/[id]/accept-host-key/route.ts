import { z } from "zod";
import { apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { acceptHostKey } from "@/lib/inventory/hosts";

const Body = z.strictObject({ fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "an OpenSSH SHA256 fingerprint") });

/** Confirms a first key (operator) or accepts a changed one (admin): acceptHostKey decides which. */
export const POST = apiRoute("operator", async (req, { id }, who) => {
  const { fingerprint } = Body.parse(await readJson(req));
  const h = await acceptHostKey(id, fingerprint, who);
  return h ? json({ host: h }) : notFound("host");
});
