import { z } from 'zod';
import { percentField } from '../http/form-fields.ts';
import { CurrencySchema, TaxRateSchema, TenantNameSchema, TimeZoneSchema } from './tenants.schema.ts';

export const BusinessSettingsSchema = z.object({
  name: TenantNameSchema,
  currency: z.string({ error: 'Currency is required' }).pipe(CurrencySchema),
  timeZone: z.string({ error: 'Choose a time zone from the list' }).pipe(TimeZoneSchema),
  defaultTaxRate: TaxRateSchema,
  /** Blank: no discount at all for staff. */
  staffMaxDiscountPct: z.preprocess((v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? '0' : v), percentField('Largest staff discount')),
  /** A checkbox: "on" when ticked; anything else (usually nothing) is not ticked, as the product form's `active`. */
  staffMayOverridePrice: z.preprocess((v) => v === 'on', z.boolean()),
});

export type BusinessSettingsInput = z.output<typeof BusinessSettingsSchema>;
