import { z } from 'zod';
import { CurrencySchema, TaxRateSchema, TenantNameSchema, TimeZoneSchema } from './tenants.schema.ts';

export const BusinessSettingsSchema = z.object({
  name: TenantNameSchema,
  currency: z.string({ error: 'Currency is required' }).pipe(CurrencySchema),
  timeZone: z.string({ error: 'Choose a time zone from the list' }).pipe(TimeZoneSchema),
  defaultTaxRate: TaxRateSchema,
});

export type BusinessSettingsInput = z.output<typeof BusinessSettingsSchema>;
