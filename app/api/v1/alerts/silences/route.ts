import { apiRoute, json, readJson } from "@/lib/api/http";
import { createSilence, listSilences } from "@/lib/alerts/service";

/** Silences, newest first (?active=1: only those in effect). */
export const GET = apiRoute("viewer", async (req) => {
  const active = new URL(req.url).searchParams.get("active") === "1";
  return json({ silences: await listSilences({ active }) });
});

/** A silence of a cluster's alerts (optionally one host, one kind) for some minutes or until a time, with a reason (operator; audited). */
export const POST = apiRoute("operator", async (req, _p, who) => json({ silence: await createSilence(await readJson(req), who) }, 201));
