import { z } from 'zod';
import { percentField, requiredText } from '../db/fields.ts';

export const timeZones = new Set(Intl.supportedValuesOf('timeZone').concat('UTC'));

export const TenantNameSchema = requiredText('Name', 120);
export const CurrencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'Currency must be a three-letter ISO code such as USD');
export const TimeZoneSchema = z
  .string()
  .trim()
  .refine((v) => timeZones.has(v), 'Choose a time zone from the list');
export const TaxRateSchema = percentField('Tax rate');

export const NewTenantSchema = z.object({
  name: TenantNameSchema,
  currency: CurrencySchema.default('USD'),
  timeZone: TimeZoneSchema.default('UTC'),
  defaultTaxRate: TaxRateSchema.default('0'),
});
