-- AlterTable
ALTER TABLE "Host" ADD COLUMN "platform" TEXT;

