-- Host keys move to KnownHost, by address and port, so they outlive inventory rows.
-- CreateTable
CREATE TABLE "KnownHost" (
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "fingerprint" TEXT,
    "pending" TEXT,
    "seenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pinnedAt" DATETIME,
    "pinnedBy" TEXT,

    PRIMARY KEY ("address", "port")
);

INSERT INTO "KnownHost" ("address", "port", "fingerprint", "pending", "seenAt", "pinnedAt")
  SELECT "address", "port", "hostKeyFingerprint", "hostKeyPending", COALESCE("hostKeyPinnedAt", "createdAt"), "hostKeyPinnedAt" FROM "Host"
  WHERE "hostKeyFingerprint" IS NOT NULL OR "hostKeyPending" IS NOT NULL;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "username" TEXT NOT NULL DEFAULT 'root',
    "authType" TEXT NOT NULL,
    "secretEnc" TEXT NOT NULL,
    "passphraseEnc" TEXT,
    "useSudo" BOOLEAN NOT NULL DEFAULT false,
    "trustFirstKey" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Host" ("address", "authType", "createdAt", "id", "name", "passphraseEnc", "port", "secretEnc", "updatedAt", "useSudo", "username") SELECT "address", "authType", "createdAt", "id", "name", "passphraseEnc", "port", "secretEnc", "updatedAt", "useSudo", "username" FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
CREATE UNIQUE INDEX "Host_address_key" ON "Host"("address");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
