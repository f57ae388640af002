import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { COMMA_CSV, SEMICOLON_CSV, detectConvention, readNumberCell } from '../../src/catalog/csv-convention.ts';

// A Spanish or Portuguese spreadsheet writes CSV with semicolons and decimal commas: the
// product import reads it (the header tells which), the export writes the business's own.

describe('CSV conventions', () => {
  it('tells a semicolon file from a comma file by its header', () => {
    expect(detectConvention('sku;name;unit;price\nA;"x, y";ud;1,50')).toEqual(SEMICOLON_CSV);
    expect(detectConvention('\uFEFFsku,name,unit,price\nA;B,x,ud,1.50')).toEqual(COMMA_CSV);
    expect(detectConvention('"a;b",name,unit,price')).toEqual(COMMA_CSV);
  });

  it('reads decimal commas and dot grouping only in a decimal-comma file, and refuses a lone group of three', () => {
    expect(readNumberCell('12,50', SEMICOLON_CSV)).toEqual({ ok: true, text: '12.50' });
    expect(readNumberCell('1.234,56', SEMICOLON_CSV)).toEqual({ ok: true, text: '1234.56' });
    expect(readNumberCell('12.50', SEMICOLON_CSV)).toEqual({ ok: true, text: '12.50' });
    expect(readNumberCell('abc', SEMICOLON_CSV)).toEqual({ ok: true, text: 'abc' });
    expect(readNumberCell('12,50', COMMA_CSV)).toEqual({ ok: true, text: '12,50' });
    expect(readNumberCell('1.234', COMMA_CSV)).toEqual({ ok: true, text: '1.234' });
    const lone = readNumberCell('1.234', SEMICOLON_CSV);
    expect(lone.ok).toBe(false);
    expect(lone.ok ? '' : lone.refusal.message).toContain('could be 1234 or 1,234');
  });

  describe('over HTTP, in a Spanish business', () => {
    let app: TestApp;
    let owner: TestClient;
    beforeAll(async () => {
      app = await startTestApp({ driver: 'pglite', redis: false });
      const tenant = await app.createTenantWithOwner('Ferretería Sol');
      await app.deps.db.prisma.tenant.update({ where: { id: tenant.tenantId }, data: { language: 'es' } });
      await app.deps.db.prisma.unit.create({ data: { tenantId: tenant.tenantId, code: 'ud', name: 'Unidad' } });
      owner = await app.signIn(tenant.owner.email, tenant.owner.password);
      await owner.get('/catalog/products/import');
    }, 180_000);
    afterAll(async () => {
      await app?.close();
    });

    it('refuses a semicolon file whose price or quantity is a lone group of three (1.234), and writes nothing', async () => {
      const csv = 'sku;name;unit;price;quantity_on_hand\nAMB-1;Tornillos;ud;1.234;2\nAMB-2;Tuercas;ud;2,50;1.500\n';
      const refused = await owner.post('/catalog/products/import', { csv, action: 'import' });
      expect(refused.status).toBe(422);
      // In the business's language, the column named in it too.
      expect(refused.html).toContain('Precio: «1.234» podría ser 1234 o 1,234: escribe 1234 sin el «.», o usa «,» para los decimales');
      expect(refused.html).toContain('Cantidad en stock: «1.500» podría ser 1500 o 1,500');
      expect(refused.html).not.toContain('debe ser un número');
      expect(await app.deps.db.prisma.product.count({ where: { sku: { startsWith: 'AMB-' } } })).toBe(0);
      // A message without a value of the file's reads in the business's language.
      const unitless = await owner.post('/catalog/products/import', {
        csv: 'sku;name;unit;price\nAMB-3;Arandelas;;1,00\n',
        action: 'preview',
      });
      expect(unitless.html).toContain('Unidad: campo obligatorio');
      // Written without the dot, or with a decimal comma, the same lines go in.
      const fixed = 'sku;name;unit;price;quantity_on_hand\nAMB-1;Tornillos;ud;1234;2\nAMB-2;Tuercas;ud;2,50;1,5\n';
      expect((await owner.post('/catalog/products/import', { csv: fixed, action: 'preview' })).status).toBe(200);
    });

    it('a file the CSV reader refuses (an unclosed quote) is named with its line, in Spanish, and nothing is written', async () => {
      const csv = 'sku;name;unit;price\nAMB-7;Tornillos;ud;1,00\nAMB-8;"Tuercas;ud;2,50\n';
      const refused = await owner.post('/catalog/products/import', { csv, action: 'import' });
      expect(refused.status).toBe(422);
      expect(refused.html).toMatch(/El archivo no es un CSV válido: mira la línea \d+ \(revisa las comillas\)/);
      expect(refused.html).not.toMatch(/Quote Not Closed|Invalid Opening Quote/i);
      expect(await app.deps.db.prisma.product.count({ where: { sku: { startsWith: 'AMB-' } } })).toBe(0);
    });

    it('imports a semicolon file with decimal commas and exports one with a byte-order mark', async () => {
      const csv = 'sku;name;unit;price;quantity_on_hand\nMART-1;Martillo, grande;ud;12,50;3\nCLAV-1;Clavos;ud;1.234,56;1,5\n';
      const imported = await owner.post('/catalog/products/import', { csv, action: 'import' });
      expect(imported.status, imported.html.slice(0, 400)).toBe(303);
      const rows = await app.deps.db.prisma.product.findMany({
        orderBy: { sku: 'asc' },
        select: { sku: true, name: true, price: true, quantityOnHand: true },
      });
      expect(rows.map((r) => [r.sku, r.name, r.price.toFixed(2), r.quantityOnHand.toString()])).toEqual([
        ['CLAV-1', 'Clavos', '1234.56', '1.5'],
        ['MART-1', 'Martillo, grande', '12.50', '3'],
      ]);

      const exported = await owner.request('GET', '/catalog/products/export.csv');
      const bytes = new Uint8Array(await exported.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes);
      expect(text.split('\n')[0]).toBe('sku;name;barcodes;category;unit;price;cost;tax_rate;reorder_level;quantity_on_hand');
      expect(text).toContain('MART-1;Martillo, grande;;;ud;12,50;0,00;;0;3');
      const again = await owner.post('/catalog/products/import', { csv: text, action: 'preview' });
      expect(again.status).toBe(200);
      expect(again.html).toContain('2 actualizaciones');
    });
  });
});
