-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" DATETIME;

-- AlterTable
ALTER TABLE "Host" ADD COLUMN "lastCheckAt" DATETIME;
ALTER TABLE "Host" ADD COLUMN "lastCheckMessage" TEXT;
ALTER TABLE "Host" ADD COLUMN "lastCheckOk" BOOLEAN;
