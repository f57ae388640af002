-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "custom_method_id" INTEGER;

-- AlterTable
ALTER TABLE "supplier_payments" ADD COLUMN     "custom_method_id" INTEGER;

-- CreateTable
CREATE TABLE "business_payment_methods" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "business_payment_methods_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "business_payment_methods_tenant_id_position_idx" ON "business_payment_methods"("tenant_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "business_payment_methods_tenant_id_id_key" ON "business_payment_methods"("tenant_id", "id");

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_tenant_id_custom_method_id_fkey" FOREIGN KEY ("tenant_id", "custom_method_id") REFERENCES "business_payment_methods"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "business_payment_methods" ADD CONSTRAINT "business_payment_methods_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_tenant_id_custom_method_id_fkey" FOREIGN KEY ("tenant_id", "custom_method_id") REFERENCES "business_payment_methods"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- Written by hand (prisma/schema.prisma cannot express them; Prisma's diff ignores them).
-- A name is unique per business whatever its case ("Bizum" and "bizum" are one method).
CREATE UNIQUE INDEX "business_payment_methods_tenant_id_lower_name_key" ON "business_payment_methods"("tenant_id", lower("name"));
ALTER TABLE "business_payment_methods" ADD CONSTRAINT "business_payment_methods_name_not_blank" CHECK (length(btrim("name")) > 0);
-- Only a payment of kind `other` names one of the business's own methods: cash stays cash for the till.
ALTER TABLE "payments" ADD CONSTRAINT "payments_custom_method_only_other" CHECK ("custom_method_id" IS NULL OR "method" = 'other');
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_custom_method_only_other" CHECK ("custom_method_id" IS NULL OR "method" = 'other');
