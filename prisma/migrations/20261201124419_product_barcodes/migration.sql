-- AlterTable
ALTER TABLE "sales" ADD COLUMN     "cash_tendered" DECIMAL(14,2);

-- CreateTable
CREATE TABLE "product_barcodes" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_barcodes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "product_barcodes_tenant_id_product_id_idx" ON "product_barcodes"("tenant_id", "product_id");

-- CreateIndex
CREATE UNIQUE INDEX "product_barcodes_tenant_id_id_key" ON "product_barcodes"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "product_barcodes_tenant_id_code_key" ON "product_barcodes"("tenant_id", "code");

-- AddForeignKey
ALTER TABLE "product_barcodes" ADD CONSTRAINT "product_barcodes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_barcodes" ADD CONSTRAINT "product_barcodes_tenant_id_product_id_fkey" FOREIGN KEY ("tenant_id", "product_id") REFERENCES "products"("tenant_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Move each product's single barcode into the new table, upper-cased as the app stores
-- codes (a code two products shared stays with the older product).
INSERT INTO "product_barcodes" ("tenant_id", "product_id", "code")
SELECT DISTINCT ON ("tenant_id", upper("barcode")) "tenant_id", "id", upper("barcode")
  FROM "products"
 WHERE "barcode" IS NOT NULL AND "barcode" <> ''
 ORDER BY "tenant_id", upper("barcode"), "id";

-- AlterTable
ALTER TABLE "products" DROP COLUMN "barcode";
