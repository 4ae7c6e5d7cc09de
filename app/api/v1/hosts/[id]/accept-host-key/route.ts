import { z } from "zod";
import { apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { acceptHostKey, getHost } from "@/lib/inventory/hosts";

const Body = z.object({ fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "an OpenSSH SHA256 fingerprint") });

export const POST = apiRoute("admin", async (req, { id }, who) => {
  if (!(await getHost(id))) return notFound("host");
  const { fingerprint } = Body.parse(await readJson(req));
  const h = await acceptHostKey(id, fingerprint);
  await audit(who, "host.accept-host-key", { type: "host", id, name: h.name }, `${fingerprint} (api)`);
  return json({ host: h });
});
