-- CreateEnum
CREATE TYPE "ProfitSlice" AS ENUM ('business_day', 'product_day', 'product_month', 'customer_day', 'customer_month');

-- AlterEnum
ALTER TYPE "MovementKind" ADD VALUE 'revaluation';

-- AlterTable
ALTER TABLE "return_lines" ADD COLUMN     "line_cost" DECIMAL(14,2) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "sale_lines" ADD COLUMN     "line_cost" DECIMAL(14,2) NOT NULL DEFAULT 0,
ADD COLUMN     "unit_cost" DECIMAL(14,2) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "stock_movements" ADD COLUMN     "average_cost" DECIMAL(14,2);

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "costs_historical_from" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "profit_days" (
    "tenant_id" INTEGER NOT NULL,
    "slice" "ProfitSlice" NOT NULL,
    "day" DATE NOT NULL,
    "key" INTEGER NOT NULL,
    "revenue" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "cost" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "quantity" DECIMAL(14,3) NOT NULL DEFAULT 0,

    CONSTRAINT "profit_days_pkey" PRIMARY KEY ("tenant_id","slice","day","key")
);

-- AddForeignKey
ALTER TABLE "profit_days" ADD CONSTRAINT "profit_days_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- By hand: what existed before costs were kept. Each sale line gets its product's cost of
-- now (the business's costs_historical_from, now() above, says so), each return line the cost
-- it gives back of that line by the same telescoping rule as returns (the line's cost at the
-- returned quantity after it minus before it), each movement the product's cost of now, and
-- profit_days is filled by its rule (src/profit/verify.ts). The defaults only served the
-- backfill: every writer must name the cost.
UPDATE "sale_lines" l
   SET "unit_cost" = p."cost", "line_cost" = round(l."quantity" * p."cost", 2)
  FROM "products" p
 WHERE p."tenant_id" = l."tenant_id" AND p."id" = l."product_id";

WITH r AS (
  SELECT rl."id", sl."unit_cost",
         SUM(rl."quantity") OVER (PARTITION BY rl."tenant_id", rl."sale_line_id" ORDER BY rl."return_id", rl."id") AS upto,
         rl."quantity"
    FROM "return_lines" rl JOIN "sale_lines" sl ON sl."tenant_id" = rl."tenant_id" AND sl."id" = rl."sale_line_id"
)
UPDATE "return_lines" x
   SET "line_cost" = round(r.upto * r."unit_cost", 2) - round((r.upto - r."quantity") * r."unit_cost", 2)
  FROM r
 WHERE x."id" = r."id";

ALTER TABLE "sale_lines" ALTER COLUMN "unit_cost" DROP DEFAULT, ALTER COLUMN "line_cost" DROP DEFAULT;
ALTER TABLE "return_lines" ALTER COLUMN "line_cost" DROP DEFAULT;

UPDATE "stock_movements" m
   SET "average_cost" = p."cost"
  FROM "products" p
 WHERE p."tenant_id" = m."tenant_id" AND p."id" = m."product_id";

WITH ln AS (
  SELECT s."tenant_id", (s."sold_at" AT TIME ZONE t."time_zone")::date AS day, s."customer_id", l."product_id",
         l."line_subtotal" - COALESCE(r.subtotal, 0) AS revenue,
         l."line_cost" - COALESCE(r.cost, 0) AS cost,
         l."quantity" - COALESCE(r.quantity, 0) AS quantity
    FROM "sales" s
    JOIN "tenants" t ON t."id" = s."tenant_id"
    JOIN "sale_lines" l ON l."tenant_id" = s."tenant_id" AND l."sale_id" = s."id"
    LEFT JOIN (
      SELECT "tenant_id", "sale_line_id", SUM("line_subtotal") AS subtotal, SUM("line_cost") AS cost, SUM("quantity") AS quantity
        FROM "return_lines" GROUP BY 1, 2
    ) r ON r."tenant_id" = l."tenant_id" AND r."sale_line_id" = l."id"
   WHERE s."status" = 'confirmed'
)
INSERT INTO "profit_days" ("tenant_id", "slice", "day", "key", "revenue", "cost", "quantity")
SELECT "tenant_id", 'business_day'::"ProfitSlice", day, 0, SUM(revenue), SUM(cost), 0 FROM ln GROUP BY 1, 3
UNION ALL
SELECT "tenant_id", 'product_day', day, "product_id", SUM(revenue), SUM(cost), SUM(quantity) FROM ln GROUP BY 1, 3, 4
UNION ALL
SELECT "tenant_id", 'product_month', date_trunc('month', day)::date, "product_id", SUM(revenue), SUM(cost), SUM(quantity) FROM ln GROUP BY 1, 3, 4
UNION ALL
SELECT "tenant_id", 'customer_day', day, "customer_id", SUM(revenue), SUM(cost), 0 FROM ln WHERE "customer_id" IS NOT NULL GROUP BY 1, 3, 4
UNION ALL
SELECT "tenant_id", 'customer_month', date_trunc('month', day)::date, "customer_id", SUM(revenue), SUM(cost), 0 FROM ln WHERE "customer_id" IS NOT NULL GROUP BY 1, 3, 4;

-- CHECK constraints (by hand: the schema cannot express them).
ALTER TABLE "sale_lines" ADD CONSTRAINT "sale_lines_unit_cost_non_negative" CHECK ("unit_cost" >= 0);
ALTER TABLE "sale_lines" ADD CONSTRAINT "sale_lines_line_cost_non_negative" CHECK ("line_cost" >= 0);
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_line_cost_non_negative" CHECK ("line_cost" >= 0);
