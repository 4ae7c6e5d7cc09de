import { apiRoute, json, notFound } from "@/lib/api/http";
import { migrationProgress } from "@/lib/migration/service";

/** A migration run's progress now: per queue, what is left on the side being left and what the other holds; client connections on each side. Names and counts only. */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  const p = await migrationProgress(id);
  return p ? json({ progress: p }) : notFound("migration run");
});
