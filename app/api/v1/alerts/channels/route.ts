import { apiRoute, json, readJson } from "@/lib/api/http";
import { createChannel, listChannels } from "@/lib/alerts/service";

/** Channels, without their secrets (viewer). */
export const GET = apiRoute("viewer", async () => json({ channels: await listChannels() }));

/** A channel (admin; audited): webhook, Slack-compatible or email. A webhook's signing key Warren made is in the answer, once. */
export const POST = apiRoute("admin", async (req, _p, who) => json(await createChannel(await readJson(req), who), 201));
