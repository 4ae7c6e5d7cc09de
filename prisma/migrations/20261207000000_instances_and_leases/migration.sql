-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "renewedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holderId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL DEFAULT 1,
    "acquiredAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LiveHealth" (
    "clusterId" TEXT NOT NULL PRIMARY KEY,
    "instanceId" TEXT NOT NULL,
    "observedAt" DATETIME NOT NULL,
    "health" TEXT NOT NULL,
    "hosts" TEXT NOT NULL
);
