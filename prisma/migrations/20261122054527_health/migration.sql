-- CreateTable
CREATE TABLE "HealthEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "alarmId" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "raisedAt" DATETIME NOT NULL,
    "clearedAt" DATETIME,
    CONSTRAINT "HealthEvent_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HealthSample" (
    "clusterId" TEXT NOT NULL,
    "res" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "data" TEXT NOT NULL,

    PRIMARY KEY ("clusterId", "res", "at"),
    CONSTRAINT "HealthSample_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "HealthEvent_clusterId_raisedAt_idx" ON "HealthEvent"("clusterId", "raisedAt");
