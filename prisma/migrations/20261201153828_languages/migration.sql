-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "language" TEXT;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "language" TEXT;
