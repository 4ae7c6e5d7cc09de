-- AlterTable
ALTER TABLE "ClusterSecret" ADD COLUMN "nextEnc" TEXT;
ALTER TABLE "ClusterSecret" ADD COLUMN "nextRunId" TEXT;
