-- AlterTable
ALTER TABLE "Run" ADD COLUMN "vars" TEXT;
