-- CreateEnum
CREATE TYPE "Settlement" AS ENUM ('refund', 'credit', 'none');

-- AlterEnum
ALTER TYPE "MovementKind" ADD VALUE 'return';

-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "till_close_id" INTEGER;

-- AlterTable
ALTER TABLE "sale_lines" ADD COLUMN     "returned_quantity" DECIMAL(14,3) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "sales" ADD COLUMN     "refunded_total" DECIMAL(14,2) NOT NULL DEFAULT 0,
ADD COLUMN     "returned_total" DECIMAL(14,2) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "stock_movements" ADD COLUMN     "return_id" INTEGER;

-- CreateTable
CREATE TABLE "returns" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "sale_id" INTEGER NOT NULL,
    "returned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "subtotal" DECIMAL(14,2) NOT NULL,
    "tax_total" DECIMAL(14,2) NOT NULL,
    "total" DECIMAL(14,2) NOT NULL,
    "settlement" "Settlement" NOT NULL,
    "reason" TEXT,
    "created_by_id" INTEGER,

    CONSTRAINT "returns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "return_lines" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "return_id" INTEGER NOT NULL,
    "sale_line_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "quantity" DECIMAL(14,3) NOT NULL,
    "line_subtotal" DECIMAL(14,2) NOT NULL,
    "line_tax" DECIMAL(14,2) NOT NULL,
    "line_total" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "return_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "refunded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "customer_id" INTEGER,
    "sale_id" INTEGER NOT NULL,
    "return_id" INTEGER,
    "created_by_id" INTEGER,
    "till_close_id" INTEGER,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "till_closes" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cash_in" DECIMAL(14,2) NOT NULL,
    "cash_out" DECIMAL(14,2) NOT NULL,
    "expected" DECIMAL(14,2) NOT NULL,
    "counted" DECIMAL(14,2) NOT NULL,
    "difference" DECIMAL(14,2) NOT NULL,
    "payment_count" INTEGER NOT NULL DEFAULT 0,
    "refund_count" INTEGER NOT NULL DEFAULT 0,
    "note" TEXT,

    CONSTRAINT "till_closes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "returns_tenant_id_sale_id_idx" ON "returns"("tenant_id", "sale_id");

-- CreateIndex
CREATE UNIQUE INDEX "returns_tenant_id_id_key" ON "returns"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "return_lines_tenant_id_return_id_idx" ON "return_lines"("tenant_id", "return_id");

-- CreateIndex
CREATE INDEX "return_lines_tenant_id_sale_line_id_idx" ON "return_lines"("tenant_id", "sale_line_id");

-- CreateIndex
CREATE UNIQUE INDEX "return_lines_tenant_id_id_key" ON "return_lines"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "refunds_tenant_id_refunded_at_idx" ON "refunds"("tenant_id", "refunded_at");

-- CreateIndex
CREATE INDEX "refunds_tenant_id_sale_id_idx" ON "refunds"("tenant_id", "sale_id");

-- CreateIndex
CREATE INDEX "refunds_tenant_id_created_by_id_till_close_id_idx" ON "refunds"("tenant_id", "created_by_id", "till_close_id");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_tenant_id_id_key" ON "refunds"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "till_closes_tenant_id_closed_at_idx" ON "till_closes"("tenant_id", "closed_at");

-- CreateIndex
CREATE INDEX "till_closes_tenant_id_user_id_closed_at_idx" ON "till_closes"("tenant_id", "user_id", "closed_at");

-- CreateIndex
CREATE UNIQUE INDEX "till_closes_tenant_id_id_key" ON "till_closes"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "payments_tenant_id_created_by_id_till_close_id_idx" ON "payments"("tenant_id", "created_by_id", "till_close_id");

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_tenant_id_till_close_id_fkey" FOREIGN KEY ("tenant_id", "till_close_id") REFERENCES "till_closes"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "returns" ADD CONSTRAINT "returns_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "returns" ADD CONSTRAINT "returns_tenant_id_sale_id_fkey" FOREIGN KEY ("tenant_id", "sale_id") REFERENCES "sales"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "returns" ADD CONSTRAINT "returns_tenant_id_created_by_id_fkey" FOREIGN KEY ("tenant_id", "created_by_id") REFERENCES "users"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_tenant_id_return_id_fkey" FOREIGN KEY ("tenant_id", "return_id") REFERENCES "returns"("tenant_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_tenant_id_sale_line_id_fkey" FOREIGN KEY ("tenant_id", "sale_line_id") REFERENCES "sale_lines"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_tenant_id_product_id_fkey" FOREIGN KEY ("tenant_id", "product_id") REFERENCES "products"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_customer_id_fkey" FOREIGN KEY ("tenant_id", "customer_id") REFERENCES "customers"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_sale_id_fkey" FOREIGN KEY ("tenant_id", "sale_id") REFERENCES "sales"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_return_id_fkey" FOREIGN KEY ("tenant_id", "return_id") REFERENCES "returns"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_created_by_id_fkey" FOREIGN KEY ("tenant_id", "created_by_id") REFERENCES "users"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_till_close_id_fkey" FOREIGN KEY ("tenant_id", "till_close_id") REFERENCES "till_closes"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "till_closes" ADD CONSTRAINT "till_closes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "till_closes" ADD CONSTRAINT "till_closes_tenant_id_user_id_fkey" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_tenant_id_return_id_fkey" FOREIGN KEY ("tenant_id", "return_id") REFERENCES "returns"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- CHECK constraints (by hand: the schema cannot express them). The conditional updates in
-- src/sales/returns.ts and src/sales/refunds.ts are the mechanism; these are the last wall.
ALTER TABLE "sale_lines" ADD CONSTRAINT "sale_lines_returned_quantity_between_0_and_quantity" CHECK ("returned_quantity" >= 0 AND "returned_quantity" <= "quantity");
ALTER TABLE "sales" ADD CONSTRAINT "sales_returned_total_between_0_and_total" CHECK ("returned_total" >= 0 AND "returned_total" <= "total");
ALTER TABLE "sales" ADD CONSTRAINT "sales_refunded_total_between_0_and_paid_total" CHECK ("refunded_total" >= 0 AND "refunded_total" <= "paid_total");
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "till_closes" ADD CONSTRAINT "till_closes_counted_non_negative" CHECK ("counted" >= 0);
