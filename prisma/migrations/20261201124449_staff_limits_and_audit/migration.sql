-- CreateEnum
CREATE TYPE "AuditKind" AS ENUM ('product_pricing', 'product_active', 'stock_correction', 'product_import', 'user_invited', 'user_role', 'user_active', 'two_factor_policy', 'business_settings', 'sale_cancelled');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "staff_max_discount_pct" DECIMAL(5,2) NOT NULL DEFAULT 0,
ADD COLUMN     "staff_may_override_price" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "user_id" INTEGER,
    "kind" "AuditKind" NOT NULL,
    "subject" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_entries_tenant_id_created_at_idx" ON "audit_entries"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_entries_tenant_id_kind_created_at_idx" ON "audit_entries"("tenant_id", "kind", "created_at");

-- CreateIndex
CREATE INDEX "audit_entries_tenant_id_user_id_created_at_idx" ON "audit_entries"("tenant_id", "user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entries_tenant_id_id_key" ON "audit_entries"("tenant_id", "id");

-- AddForeignKey
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_tenant_id_user_id_fkey" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- Added by hand (the schema cannot express it): the audit log is append-only. Any UPDATE,
-- DELETE or TRUNCATE is refused, whoever runs it, so no code path can rewrite history.
CREATE FUNCTION "audit_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_entries_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_entries_append_only"();

CREATE TRIGGER "audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_entries_append_only"();

ALTER TABLE "tenants" ADD CONSTRAINT "tenants_staff_max_discount_pct_range" CHECK ("staff_max_discount_pct" >= 0 AND "staff_max_discount_pct" <= 100);
