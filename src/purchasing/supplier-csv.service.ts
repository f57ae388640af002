import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { assertCan } from '../auth/index.ts';
import type { TransactionDeps } from '../core.ts';
import { ConflictError } from '../db/errors.ts';
import { reportDbOf, type Scope } from '../db/scope.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { conventionOf, csvParseRefusal, detectConvention, firstLineWiderThan, protectCell, unprotectCell } from '../catalog/index.ts';
import { SupplierSchema, type SupplierInput } from './suppliers.schema.ts';
import { ORDER_REFUSED, supplierColumns } from './suppliers.service.ts';

// Suppliers as CSV, in the catalog's conventions (src/catalog/csv-convention.ts): written in
// the business's (comma, or semicolon for Spanish and Portuguese), after a UTF-8 byte-order
// mark, text that a spreadsheet would run as a formula protected by an apostrophe; read in
// either (the header line tells which). A row updates the supplier of the same name (letter
// case aside), else adds one; the import writes every row or none.

export const SUPPLIER_CSV_COLUMNS = ['name', 'contact_name', 'email', 'phone', 'address', 'tax_id', 'payment_terms_days', 'notes'] as const;
type Column = (typeof SUPPLIER_CSV_COLUMNS)[number];
const ALIASES: Record<string, Column> = {
  name: 'name',
  supplier: 'name',
  contact: 'contact_name',
  contact_name: 'contact_name',
  email: 'email',
  phone: 'phone',
  address: 'address',
  tax_id: 'tax_id',
  tax: 'tax_id',
  payment_terms: 'payment_terms_days',
  payment_terms_days: 'payment_terms_days',
  terms: 'payment_terms_days',
  notes: 'notes',
};
const FIELDS: Record<Column, keyof SupplierInput> = {
  name: 'name',
  contact_name: 'contactName',
  email: 'email',
  phone: 'phone',
  address: 'address',
  tax_id: 'taxId',
  payment_terms_days: 'paymentTermsDays',
  notes: 'notes',
};
export const MAX_SUPPLIER_ROWS = 5000;
const MAX_COLUMNS = 50;
const SHOWN = 80;
const UNKNOWN_COLUMNS =
  'The first line names a column a supplier file does not have. Columns: name, contact_name, email, phone, address, tax_id, payment_terms_days, notes.';

const shorten = (text: string) => ([...text].length <= SHOWN ? text : `${[...text].slice(0, SHOWN - 1).join('')}…`);
const nameKey = (name: string) => name.trim().toLowerCase();

export interface SupplierImportRow {
  line: number;
  name: string;
  action: 'create' | 'update';
  errors: string[];
}

export interface SupplierImportPreview {
  rows: SupplierImportRow[];
  fileErrors: string[];
  creates: number;
  updates: number;
  ok: boolean;
}

export class SupplierCsvService {
  constructor(private readonly deps: TransactionDeps) {}

  async export(actor: Scope): Promise<string> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    // A report read: a read replica may serve it (src/db/report-reads.ts).
    const db = await reportDbOf(actor);
    const [suppliers, tenant] = await Promise.all([
      db.supplier.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      db.tenant.findFirstOrThrow({ select: { language: true } }),
    ]);
    const convention = conventionOf(tenant.language);
    const rows = suppliers.map((s) => [
      protectCell(s.name),
      protectCell(s.contactName ?? ''),
      protectCell(s.email ?? ''),
      protectCell(s.phone ?? ''),
      protectCell(s.address ?? ''),
      protectCell(s.taxId ?? ''),
      String(s.paymentTermsDays),
      protectCell(s.notes ?? ''),
    ]);
    return '\uFEFF' + stringify([[...SUPPLIER_CSV_COLUMNS], ...rows], { delimiter: convention.delimiter });
  }

  async preview(actor: Scope, text: string): Promise<SupplierImportPreview> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    return (await this.analyse(actor, text)).preview;
  }

  /** Every row in one transaction, or nothing when any row (or the file) has an error. */
  async import(actor: Scope, text: string): Promise<{ preview: SupplierImportPreview; written: boolean }> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const { preview, valid, present } = await this.analyse(actor, text);
    if (!preview.ok) return { preview, written: false };
    await inTransaction(
      actor.db,
      async (uow) => {
        const { tx } = uow;
        const existing = await tx.supplier.findMany({ select: { id: true, name: true } });
        const byName = new Map<string, number[]>();
        for (const s of existing) byName.set(nameKey(s.name), [...(byName.get(nameKey(s.name)) ?? []), s.id]);
        for (const data of valid) {
          const columns = supplierColumns(data);
          const ids = byName.get(nameKey(data.name)) ?? [];
          if (ids.length > 1) throw new ConflictError('Suppliers changed while importing; nothing was imported. Preview the file again.');
          if (ids.length === 1) {
            // A column the file does not have is left as it is.
            const kept = Object.fromEntries(Object.entries(columns).filter(([field]) => present.has(field as keyof SupplierInput)));
            await tx.supplier.updateMany({ where: { id: ids[0]! }, data: kept });
          } else await tx.supplier.create({ data: { ...columns, tenantId: actor.tenantId } });
        }
        await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'supplier.saved');
      },
      { timeoutMs: 60_000 },
    );
    return { preview, written: true };
  }

  private async analyse(
    actor: Scope,
    text: string,
  ): Promise<{ preview: SupplierImportPreview; valid: SupplierInput[]; present: Set<keyof SupplierInput> }> {
    const fail = (fileErrors: string[]) => ({
      preview: { rows: [], fileErrors, creates: 0, updates: 0, ok: false },
      valid: [],
      present: new Set<keyof SupplierInput>(),
    });
    if (!text.trim()) return fail(['The file is empty: paste CSV text or choose a .csv file.']);
    if (firstLineWiderThan(text, MAX_COLUMNS)) return fail(['The file has far too many columns for a supplier file.']);
    const convention = detectConvention(text);
    let records: string[][];
    try {
      records = parse(text, {
        bom: true,
        delimiter: convention.delimiter,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
      }) satisfies string[][];
    } catch (error) {
      return fail([csvParseRefusal(error)]);
    }
    const [header = [], ...body] = records;
    const index = new Map<Column, number>();
    let unknown = false;
    header.forEach((h, i) => {
      const column =
        ALIASES[
          h
            .toLowerCase()
            .trim()
            .replace(/[\s-]+/g, '_')
        ];
      if (column && !index.has(column)) index.set(column, i);
      else if (!column && h.trim()) unknown = true;
    });
    if (!index.has('name')) return fail(['The first line must name the columns, name among them.']);
    if (unknown) return fail([UNKNOWN_COLUMNS]);
    if (!body.length) return fail(['The file has a header line but no suppliers.']);
    if (body.length > MAX_SUPPLIER_ROWS) return fail(['The file has too many suppliers: import at most 5000 at a time.']);

    const existing = await actor.db.supplier.findMany({ select: { name: true } });
    const count = new Map<string, number>();
    for (const s of existing) count.set(nameKey(s.name), (count.get(nameKey(s.name)) ?? 0) + 1);
    const seen = new Map<string, number>();
    const rows: SupplierImportRow[] = [];
    const valid: SupplierInput[] = [];
    body.forEach((record, i) => {
      const line = i + 2;
      const cell = (c: Column) => {
        const at = index.get(c);
        return at === undefined ? undefined : unprotectCell(record[at] ?? '');
      };
      const input = Object.fromEntries(SUPPLIER_CSV_COLUMNS.map((c) => [FIELDS[c], cell(c)]));
      const parsed = SupplierSchema.safeParse(input);
      const errors = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
      const name = cell('name') ?? '';
      const key = nameKey(name);
      const earlier = seen.get(key);
      if (key && earlier !== undefined) errors.push('This supplier is also on an earlier line');
      else if (key) seen.set(key, line);
      if ((count.get(key) ?? 0) > 1) errors.push('Two suppliers already have this name; rename one first');
      rows.push({ line, name: shorten(name), action: count.has(key) ? 'update' : 'create', errors });
      if (!errors.length && parsed.success) valid.push(parsed.data);
    });
    const updates = rows.filter((r) => r.action === 'update').length;
    const present = new Set([...index.keys()].map((c) => FIELDS[c]));
    return {
      preview: { rows, fileErrors: [], creates: rows.length - updates, updates, ok: rows.every((r) => !r.errors.length) },
      valid,
      present,
    };
  }
}
