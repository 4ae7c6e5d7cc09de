-- CreateTable
CREATE TABLE "DefinitionsBackup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "reason" TEXT,
    "source" TEXT NOT NULL,
    "node" TEXT,
    "rabbitmqVersion" TEXT,
    "sizeBytes" INTEGER NOT NULL,
    "plainBytes" INTEGER NOT NULL,
    "counts" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "blobEnc" BLOB NOT NULL,
    CONSTRAINT "DefinitionsBackup_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BackupSchedule" (
    "clusterId" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "everyHours" INTEGER NOT NULL DEFAULT 24,
    "keepCount" INTEGER DEFAULT 30,
    "keepDays" INTEGER DEFAULT 30,
    "lastAttemptAt" DATETIME,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "lastErrorBy" TEXT,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT,
    CONSTRAINT "BackupSchedule_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DefinitionsBackup_clusterId_createdAt_idx" ON "DefinitionsBackup"("clusterId", "createdAt");

