import { apiRoute } from "@/lib/api/http";
import { backupInfo, downloadBackup } from "@/lib/backups/service";

/** The definitions document as RabbitMQ wrote it (admin): it holds password hashes; every download is audited. */
export const GET = apiRoute("admin", async (_r, { id, backupId }, who) => {
  await backupInfo(id, backupId);
  const { meta, text } = await downloadBackup(backupId, who);
  const name = `definitions-${meta.clusterName}-${meta.createdAt.toISOString().replace(/[:.]/g, "-")}.json`.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(text, { headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" } });
});
