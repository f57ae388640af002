-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "locale" TEXT NOT NULL DEFAULT 'en';
