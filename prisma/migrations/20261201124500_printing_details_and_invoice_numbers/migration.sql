-- AlterTable
ALTER TABLE "sales" ADD COLUMN     "invoice_number" INTEGER,
ADD COLUMN     "invoiced_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "address" TEXT,
ADD COLUMN     "email" TEXT,
ADD COLUMN     "last_invoice_number" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "legal_name" TEXT,
ADD COLUMN     "phone" TEXT,
ADD COLUMN     "receipt_format" TEXT NOT NULL DEFAULT '80mm',
ADD COLUMN     "tax_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "sales_tenant_id_invoice_number_key" ON "sales"("tenant_id", "invoice_number");

-- CHECK constraints (written by hand: prisma/schema.prisma cannot express them).
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_receipt_format_known" CHECK ("receipt_format" IN ('80mm', '58mm', 'a4'));
ALTER TABLE "sales" ADD CONSTRAINT "sales_invoice_number_positive" CHECK ("invoice_number" IS NULL OR "invoice_number" > 0);
ALTER TABLE "sales" ADD CONSTRAINT "sales_invoiced_together" CHECK (("invoice_number" IS NULL) = ("invoiced_at" IS NULL));
