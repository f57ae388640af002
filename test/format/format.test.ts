import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createFormatter, currentInputLocale, LOCALES, parseDecimal, withInputLocale } from '../../src/format/index.ts';
import { moneyField, quantityField } from '../../src/db/fields.ts';

const D = (v: string) => new Prisma.Decimal(v);
const value = (text: string, locale: string) => {
  const r = parseDecimal(text, locale);
  return r.ok ? r.value : r.reason;
};

describe('format', () => {
  describe('formatter', () => {
    it('writes English exactly as the pages always did', () => {
      const fmt = createFormatter({ currency: 'EUR', timeZone: 'Europe/Madrid' });
      expect(fmt.money(D('1743.73'))).toBe('€1,743.73');
      expect(fmt.money('-1234.5')).toBe('-€1,234.50');
      expect(fmt.money(D('-0.00'))).toBe('€0.00');
      expect(fmt.money(null)).toBe('');
      expect(fmt.quantity(D('1234.500'))).toBe('1,234.5');
      expect(fmt.signedQuantity(D('-1.5'))).toBe('−1.5');
      expect(fmt.signedQuantity(D('5'))).toBe('+5');
      expect(fmt.percent(D('21.00'))).toBe('21%');
      expect(fmt.percent(D('10.5'))).toBe('10.5%');
      expect(fmt.dateTime(new Date('2026-11-04T09:05:00Z'))).toBe('4 Nov 2026, 10:05');
      expect(fmt.date('2026-11-01')).toBe('1 Nov 2026');
      expect(fmt.date(new Date('2026-10-31T23:30:00Z'))).toBe('1 Nov 2026');
      expect(fmt.time(new Date('2026-11-04T14:05:00Z'))).toBe('15:05');
      expect(fmt.month('2026-02-01')).toBe('February 2026');
      expect(fmt.input(D('89.95'))).toBe('89.95');
      expect(createFormatter({ currency: 'USD', timeZone: 'UTC' }).money('40049.25')).toBe('$40,049.25');
    });

    it('formats amounts from their exact digits, never through a float', () => {
      const fmt = createFormatter({ currency: 'USD', timeZone: 'UTC' });
      expect(fmt.money(D('12345678901234567.13'))).toBe('$12,345,678,901,234,567.13');
      expect(fmt.money('0.005')).toBe('$0.01');
      expect(fmt.money(D('1.005'))).toBe('$1.01');
    });

    it('writes each locale its own way', () => {
      const es = createFormatter({ currency: 'EUR', timeZone: 'Europe/Madrid', locale: 'es-ES' });
      expect(es.money(D('1743.73'))).toBe('1743,73\u00a0€');
      expect(es.money(D('40049.25'))).toBe('40.049,25\u00a0€');
      expect(es.quantity(D('1.5'))).toBe('1,5');
      expect(es.percent(D('21'))).toBe('21\u00a0%');
      expect(es.date('2026-11-01')).toBe('1 nov 2026');
      expect(es.input(D('89.95'))).toBe('89,95');
      const br = createFormatter({ currency: 'BRL', timeZone: 'America/Sao_Paulo', locale: 'pt-BR' });
      expect(br.money(D('1234.56'))).toBe('R$\u00a01.234,56');
      expect(createFormatter({ currency: 'MXN', timeZone: 'UTC', locale: 'es-MX' }).money('1234.5')).toBe('$1,234.50');
      // An unknown locale is English.
      expect(createFormatter({ currency: 'EUR', timeZone: 'UTC', locale: 'xx' }).locale).toBe('en');
    });
  });

  describe('parseDecimal', () => {
    it('reads a decimal-comma locale', () => {
      for (const l of ['es-ES', 'pt-PT', 'pt-BR']) {
        expect(value('12,50', l)).toBe('12.50');
        expect(value('89,95', l)).toBe('89.95');
        expect(value('1.234,56', l)).toBe('1234.56');
        expect(value('1.234.567', l)).toBe('1234567');
        expect(value('1 234,5', l)).toBe('1234.5');
        expect(value('1\u00a0234,5', l)).toBe('1234.5');
        expect(value('-0,5', l)).toBe('-0.5');
        expect(value(',5', l)).toBe('0.5');
        expect(value('007', l)).toBe('7');
      }
    });

    it('reads English', () => {
      expect(value('1,234.56', 'en')).toBe('1234.56');
      expect(value('12.50', 'en')).toBe('12.50');
      expect(value('+007.50', 'en')).toBe('7.50');
      expect(value('1,234,567', 'en')).toBe('1234567');
      expect(value('1.234', 'en')).toBe('1.234');
      expect(value('3.', 'en')).toBe('3');
      expect(value('1.234', 'es-MX')).toBe('1.234');
    });

    it('refuses one lone group of three as ambiguous, saying how to write either', () => {
      const es = parseDecimal('1.234', 'es-ES');
      expect(es).toMatchObject({ ok: false, reason: 'ambiguous', message: expect.stringContaining('could be 1234 or 1,234') });
      // The parts a message in the reader's language is written from.
      expect(es).toMatchObject({ text: '1.234', whole: '1234', fraction: '1,234', decimal: ',', group: '.' });
      expect(parseDecimal('1,234', 'en')).toMatchObject({
        ok: false,
        reason: 'ambiguous',
        message: expect.stringContaining('could be 1234 or 1.234'),
      });
      expect(value('-12.500', 'pt-BR')).toBe('ambiguous');
    });

    it('refuses the other locale’s decimal mark and anything not a number', () => {
      for (const [text, l] of [
        ['10,00', 'en'],
        ['1,5', 'en'],
        ['89.95', 'es-ES'],
        ['1,234.56', 'es-ES'],
        ['1.234,56', 'en'],
        ['12,5,0', 'es-ES'],
        ['1.23.456', 'es-ES'],
        ['abc', 'en'],
        ['', 'en'],
        [',', 'es-ES'],
        ['1e5', 'en'],
        ['12 34', 'en'],
        ['0x10', 'en'],
        ['١٢', 'en'],
        ['--1', 'en'],
      ] as const)
        expect([text, l, value(text, l)]).toEqual([text, l, 'invalid']);
    });

    it('reads back every amount a formatter writes for editing, and every plain quantity it writes (property)', () => {
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (const locale of LOCALES) {
        const fmt = createFormatter({ currency: 'EUR', timeZone: 'UTC', locale });
        for (let i = 0; i < 400; i++) {
          const int = String(Math.floor(random() * 10 ** Math.floor(random() * 9)));
          const frac = String(Math.floor(random() * 100)).padStart(2, '0');
          const exact = D(`${random() < 0.2 ? '-' : ''}${int}.${frac}`);
          const back = parseDecimal(fmt.input(exact), locale);
          expect([locale, exact.toFixed(2), back.ok && D(back.value).equals(exact)]).toEqual([locale, exact.toFixed(2), true]);
          // Grouped quantities round-trip unless they are one lone group of three (then refused, never misread).
          const q = D(`${int}.${frac}`);
          const shown = parseDecimal(fmt.quantity(q), locale);
          if (shown.ok) expect(D(shown.value).equals(q)).toBe(true);
          else expect([locale, fmt.quantity(q), shown.reason]).toEqual([locale, fmt.quantity(q), 'ambiguous']);
        }
      }
    });
  });

  describe('form fields', () => {
    it('read numbers in the request’s locale; English outside one', async () => {
      expect(currentInputLocale()).toBe('en');
      expect(moneyField('Price').safeParse('89,95').success).toBe(false);
      const inEs = await withInputLocale('es-ES', async () => {
        await Promise.resolve();
        return [moneyField('Price').parse('89,95'), quantityField('Quantity').parse('1,5'), moneyField('Price').safeParse('1.234')];
      });
      expect(inEs.slice(0, 2)).toEqual(['89.95', '1.5']);
      const refused = inEs[2] as ReturnType<ReturnType<typeof moneyField>['safeParse']>;
      expect(refused.success).toBe(false);
      expect(refused.error?.issues[0]?.message).toMatch(/^Price: “1.234” could be 1234 or 1,234/);
      expect(moneyField('Price').safeParse('12,505').error?.issues[0]?.message).toBe(
        'Price: “12,505” could be 12505 or 12.505: write 12505 without the “,”, or use “.” for decimals',
      );
    });
  });
});
