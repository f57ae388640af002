import { z } from 'zod';
import { optionalText, percentField } from '../db/fields.ts';
import { LOCALES } from '../format/index.ts';
import { languages } from '../i18n/index.ts';
import { CurrencySchema, TaxRateSchema, TenantNameSchema, TimeZoneSchema } from './tenants.schema.ts';

export const receiptFormats = ['80mm', '58mm', 'a4'] as const;
export type ReceiptFormat = (typeof receiptFormats)[number];
export const ReceiptFormatSchema = z.enum(receiptFormats, { error: 'Choose a receipt format from the list' });

const ADDRESS_LINES = 6;

/**
 * What receipts and invoices print about the seller: its own block of the settings form.
 * Blank text is stored as null; a field not sent at all (a client that predates these
 * fields) leaves the stored value as it is.
 */
export const PrintDetailsFields = {
  legalName: optionalText('Legal name', 200),
  address: optionalText('Address', 400).refine(
    (v) => v === undefined || v.split(/\r?\n/).length <= ADDRESS_LINES,
    `Address can have at most ${ADDRESS_LINES} lines`,
  ),
  taxId: optionalText('Tax id', 40),
  phone: optionalText('Phone', 40),
  email: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.email({ error: 'Enter a valid email address' }).max(254, 'Email is too long').optional(),
  ),
  receiptFormat: ReceiptFormatSchema.optional(),
};
export const printDetailKeys = ['legalName', 'address', 'taxId', 'phone', 'email', 'receiptFormat'] as const;

export const BusinessSettingsSchema = z.object({
  name: TenantNameSchema,
  currency: z.string({ error: 'Currency is required' }).pipe(CurrencySchema),
  timeZone: z.string({ error: 'Choose a time zone from the list' }).pipe(TimeZoneSchema),
  /** Not sent (a client that predates it): left as it is. */
  locale: z.enum(LOCALES, { error: 'Choose a number and date format from the list' }).optional(),
  defaultTaxRate: TaxRateSchema,
  ...PrintDetailsFields,
  /** Blank: no discount at all for staff. */
  staffMaxDiscountPct: z.preprocess(
    (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? '0' : v),
    percentField('Largest staff discount'),
  ),
  /** A checkbox: "on" when ticked; anything else (usually nothing) is not ticked, as the product form's `active`. */
  staffMayOverridePrice: z.preprocess((v) => v === 'on', z.boolean()),
  /** Blank: each user's browser decides; not sent: left as it is. */
  language: z
    .preprocess((v) => (v === '' ? null : v), z.enum(languages, { error: 'Choose a language from the list' }).nullable())
    .optional(),
});

export type BusinessSettingsInput = z.output<typeof BusinessSettingsSchema>;
