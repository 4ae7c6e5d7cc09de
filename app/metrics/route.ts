import { apiRoute } from "@/lib/api/http";
import { renderMetrics } from "@/lib/metrics/exposition";
import { metricsSnapshot } from "@/lib/metrics/snapshot";

/** Prometheus metrics of what Warren knows (viewer; an API token as Bearer, or Basic). Reads Warren's state, never the hosts. */
export const GET = apiRoute("viewer", async () => {
  const m = await renderMetrics(await metricsSnapshot());
  return new Response(m.body, { status: 200, headers: { "Content-Type": m.contentType, "Cache-Control": "no-store" } });
});
