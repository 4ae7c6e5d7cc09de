import { instanceHealth } from "@/lib/instances/status";

// For a load balancer's check, so without login and without details: 200 when this
// instance reaches its database and keeps renewing its leases, 503 otherwise.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const h = await instanceHealth();
  return Response.json(h, { status: h.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
