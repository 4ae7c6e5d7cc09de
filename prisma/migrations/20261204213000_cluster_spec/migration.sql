-- CreateTable
CREATE TABLE "ClusterSpecVersion" (
    "clusterId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "runId" TEXT,
    "note" TEXT,
    PRIMARY KEY ("clusterId", "version"),
    CONSTRAINT "ClusterSpecVersion_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
