import { z } from "zod";
import { apiRoute, json, readJson } from "@/lib/api/http";
import { runLbPreflight } from "@/lib/ops/preflight";

const Body = z.strictObject({ params: z.unknown().optional() });

/** Read-only checks of the load balancers: interfaces to offer for the VIP, VRRP router ids heard on the network, ports. */
export const POST = apiRoute("operator", async (req, { id }, who) => json(await runLbPreflight(id, Body.parse(await readJson(req)).params, who)));
