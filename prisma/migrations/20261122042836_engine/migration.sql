-- Cluster secrets move from two columns to one row per named secret. The
-- sealed values are copied as they are: their purposes (the secret box's
-- associated data) stay "cluster:cookie" and "cluster:admin-password".
-- CreateTable
CREATE TABLE "ClusterSecret" (
    "clusterId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "valueEnc" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("clusterId", "name"),
    CONSTRAINT "ClusterSecret_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

INSERT INTO "ClusterSecret" ("clusterId", "name", "valueEnc", "createdAt", "updatedAt")
  SELECT "id", 'erlangCookie', "cookieEnc", "createdAt", "createdAt" FROM "Cluster" WHERE "cookieEnc" IS NOT NULL;
INSERT INTO "ClusterSecret" ("clusterId", "name", "valueEnc", "createdAt", "updatedAt")
  SELECT "id", 'managementPassword', "adminPassEnc", "createdAt", "createdAt" FROM "Cluster" WHERE "adminPassEnc" IS NOT NULL;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Cluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settings" TEXT
);
INSERT INTO "new_Cluster" ("createdAt", "id", "name", "settings") SELECT "createdAt", "id", "name", "settings" FROM "Cluster";
DROP TABLE "Cluster";
ALTER TABLE "new_Cluster" RENAME TO "Cluster";
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");
CREATE TABLE "new_RunStep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "phase" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'command',
    "title" TEXT NOT NULL,
    "hostName" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "destructive" BOOLEAN NOT NULL DEFAULT false,
    "forecast" TEXT,
    "impact" TEXT,
    "diff" TEXT,
    "status" TEXT NOT NULL,
    "exitCode" INTEGER,
    "stderrTail" TEXT,
    "note" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "RunStep_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_RunStep" ("command", "destructive", "exitCode", "finishedAt", "hostName", "id", "idx", "key", "note", "phase", "runId", "startedAt", "status", "stderrTail", "title") SELECT "command", "destructive", "exitCode", "finishedAt", "hostName", "id", "idx", "key", "note", "phase", "runId", "startedAt", "status", "stderrTail", "title" FROM "RunStep";
DROP TABLE "RunStep";
ALTER TABLE "new_RunStep" RENAME TO "RunStep";
CREATE UNIQUE INDEX "RunStep_runId_idx_key" ON "RunStep"("runId", "idx");
CREATE UNIQUE INDEX "RunStep_runId_key_key" ON "RunStep"("runId", "key");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
