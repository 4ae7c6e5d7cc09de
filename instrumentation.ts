// Runs once when the Warren server starts (Node runtime).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/lib/env");
  const e = env(); // invalid configuration stops the server here, with every problem listed
  const { securePermissions } = await import("@/lib/db");
  securePermissions();
  const { peerHeaderIsOurs } = await import("@/lib/net/client-address");
  if (!peerHeaderIsOurs()) console.warn("[warren] not started by server.mjs (scripts/start.sh): client addresses are unknown, so every login shares one throttle");
  const { secretBox } = await import("@/lib/crypto/keys");
  secretBox(); // creates the key file on first start
  const { canonicaliseStoredAddresses } = await import("@/lib/inventory/hosts");
  await canonicaliseStoredAddresses(); // before anything connects or pins a key
  const { migrateLegacySettings } = await import("@/lib/inventory/specs");
  await migrateLegacySettings(); // clusters from before specs get version 1, before anything plans
  const { ensureAdminFromEnv } = await import("@/lib/auth/users");
  if (await ensureAdminFromEnv(e.WARREN_ADMIN_USER || undefined, e.WARREN_ADMIN_PASSWORD || undefined))
    console.log(`[warren] created admin account '${e.WARREN_ADMIN_USER}' from WARREN_ADMIN_USER`);
  console.log(`[warren] data directory ${e.dataDir}`);
  // Runs, the live view and alerts of each cluster whose lease this instance holds; the
  // scheduled work (backups, the notification outbox) on the holder of its lease (lib/instances).
  // Alone on SQLite, this instance holds them all from its first second.
  const { startInstanceWork } = await import("@/lib/instances/work");
  await startInstanceWork();
}
