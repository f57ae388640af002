import { z } from 'zod';
import { requiredText } from '../catalog/fields.ts';

export const timeZones = new Set(Intl.supportedValuesOf('timeZone').concat('UTC'));

export const TenantNameSchema = requiredText('Name', 120);
export const CurrencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'Currency must be a three-letter ISO code such as USD');
export const TimeZoneSchema = z.string().trim().refine((v) => timeZones.has(v), 'Choose a time zone from the list');
export const TaxRateSchema = z
  .string({ error: 'Tax rate must be a number with at most 2 decimals' })
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'Tax rate must be a number with at most 2 decimals')
  .refine((v) => Number(v) <= 100, 'Tax rate must be between 0 and 100');

export const NewTenantSchema = z.object({
  name: TenantNameSchema,
  currency: CurrencySchema.default('USD'),
  timeZone: TimeZoneSchema.default('UTC'),
  defaultTaxRate: TaxRateSchema.default('0'),
});
