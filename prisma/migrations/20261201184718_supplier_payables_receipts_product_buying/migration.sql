-- AlterTable
ALTER TABLE "products" ADD COLUMN     "last_cost" DECIMAL(14,2),
ADD COLUMN     "preferred_supplier_id" INTEGER,
ADD COLUMN     "supplier_code" TEXT;

-- AlterTable
ALTER TABLE "suppliers" ADD COLUMN     "owed" DECIMAL(14,2) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "purchase_receipts" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "purchase_order_id" INTEGER NOT NULL,
    "supplier_id" INTEGER NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "total" DECIMAL(14,2) NOT NULL,
    "note" TEXT,
    "created_by_id" INTEGER,

    CONSTRAINT "purchase_receipts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purchase_receipt_lines" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "receipt_id" INTEGER NOT NULL,
    "purchase_order_line_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "quantity" DECIMAL(14,3) NOT NULL,
    "unit_cost" DECIMAL(14,2) NOT NULL,
    "line_total" DECIMAL(14,2) NOT NULL,
    "cost_before" DECIMAL(14,2) NOT NULL,
    "cost_after" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "purchase_receipt_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "supplier_payments" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "supplier_id" INTEGER NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "paid_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reference" TEXT,
    "note" TEXT,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "supplier_payments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "purchase_receipts_tenant_id_purchase_order_id_idx" ON "purchase_receipts"("tenant_id", "purchase_order_id");

-- CreateIndex
CREATE INDEX "purchase_receipts_tenant_id_supplier_id_received_at_idx" ON "purchase_receipts"("tenant_id", "supplier_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "purchase_receipts_tenant_id_id_key" ON "purchase_receipts"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "purchase_receipt_lines_tenant_id_receipt_id_idx" ON "purchase_receipt_lines"("tenant_id", "receipt_id");

-- CreateIndex
CREATE UNIQUE INDEX "purchase_receipt_lines_tenant_id_id_key" ON "purchase_receipt_lines"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "supplier_payments_tenant_id_paid_at_idx" ON "supplier_payments"("tenant_id", "paid_at");

-- CreateIndex
CREATE INDEX "supplier_payments_tenant_id_supplier_id_paid_at_idx" ON "supplier_payments"("tenant_id", "supplier_id", "paid_at");

-- CreateIndex
CREATE UNIQUE INDEX "supplier_payments_tenant_id_id_key" ON "supplier_payments"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "products_tenant_id_preferred_supplier_id_idx" ON "products"("tenant_id", "preferred_supplier_id");

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_tenant_id_preferred_supplier_id_fkey" FOREIGN KEY ("tenant_id", "preferred_supplier_id") REFERENCES "suppliers"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "purchase_receipts" ADD CONSTRAINT "purchase_receipts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_receipts" ADD CONSTRAINT "purchase_receipts_tenant_id_purchase_order_id_fkey" FOREIGN KEY ("tenant_id", "purchase_order_id") REFERENCES "purchase_orders"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "purchase_receipts" ADD CONSTRAINT "purchase_receipts_tenant_id_supplier_id_fkey" FOREIGN KEY ("tenant_id", "supplier_id") REFERENCES "suppliers"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "purchase_receipts" ADD CONSTRAINT "purchase_receipts_tenant_id_created_by_id_fkey" FOREIGN KEY ("tenant_id", "created_by_id") REFERENCES "users"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_tenant_id_receipt_id_fkey" FOREIGN KEY ("tenant_id", "receipt_id") REFERENCES "purchase_receipts"("tenant_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_tenant_id_purchase_order_line_id_fkey" FOREIGN KEY ("tenant_id", "purchase_order_line_id") REFERENCES "purchase_order_lines"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_tenant_id_product_id_fkey" FOREIGN KEY ("tenant_id", "product_id") REFERENCES "products"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_tenant_id_supplier_id_fkey" FOREIGN KEY ("tenant_id", "supplier_id") REFERENCES "suppliers"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_tenant_id_created_by_id_fkey" FOREIGN KEY ("tenant_id", "created_by_id") REFERENCES "users"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- CHECK constraints (by hand: the schema cannot express them). A payment is one conditional
-- update of suppliers.owed; the CHECK is the last wall, not the mechanism.
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_owed_non_negative" CHECK ("owed" >= 0);
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "purchase_receipts" ADD CONSTRAINT "purchase_receipts_total_non_negative" CHECK ("total" >= 0);
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_unit_cost_non_negative" CHECK ("unit_cost" >= 0);
ALTER TABLE "products" ADD CONSTRAINT "products_last_cost_non_negative" CHECK ("last_cost" IS NULL OR "last_cost" >= 0);
