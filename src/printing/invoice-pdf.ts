import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { createFormatter } from '../format/index.ts';
import type { Invoice } from './printing.service.ts';

// The A4 invoice as a PDF, drawn by pdfkit on the server. Text is set in DejaVu Sans (a TTF
// from the dejavu-fonts-ttf package, embedded as a subset) rather than pdfkit's built-in
// Helvetica, whose WinAnsi encoding cannot print names such as "Łódź" or "Þór".

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const MARGIN = 50;
const PAGE_WIDTH = 595.28; // A4 in points
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const GREY = '#555555';

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}
const columns: Column[] = [
  { title: 'Description', width: 135, align: 'left' },
  { title: 'Qty', width: 45, align: 'right' },
  { title: 'Unit price', width: 60, align: 'right' },
  { title: 'Disc.', width: 35, align: 'right' },
  { title: 'Net', width: 60, align: 'right' },
  { title: 'Rate', width: 40, align: 'right' },
  { title: 'Tax', width: 55, align: 'right' },
  { title: 'Total', width: 65, align: 'right' },
];

/** The invoice's file name. */
export const invoiceFileName = (invoice: Pick<Invoice, 'number'>) => `invoice-${invoice.number}.pdf`;

/** Words of the invoice in the reader's language (i18next's `t`; English as written without one). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;
const asWritten: Translate = (key, values) => key.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values?.[name] ?? ''));

/** Renders the invoice; resolves with the whole file. */
export function invoicePdf(invoice: Invoice, t: Translate = asWritten): Promise<Buffer> {
  const { sale, seller, taxes } = invoice;
  const fmt = createFormatter(seller);
  const money = fmt.money;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: t('Invoice {{number}}', { number: invoice.number }),
      Author: seller.legalName,
      Subject: t('Sale #{{number}}', { number: sale.number }),
    },
  });
  doc.registerFont('regular', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Seller (left) and the invoice's own facts (right).
  const top = MARGIN;
  doc.font('bold').fontSize(14).text(seller.legalName, MARGIN, top, { width: 300 });
  doc.font('regular').fontSize(9).fillColor(GREY);
  if (seller.tradingName) doc.text(t('Trading as {{name}}', { name: seller.tradingName }), { width: 300 });
  for (const line of seller.addressLines) doc.text(line, { width: 300 });
  if (seller.taxId) doc.text(t('Tax id: {{taxId}}', { taxId: seller.taxId }), { width: 300 });
  const contact = [seller.phone, seller.email].filter(Boolean).join(' · ');
  if (contact) doc.text(contact, { width: 300 });
  const sellerBottom = doc.y;

  doc
    .fillColor('black')
    .font('bold')
    .fontSize(18)
    .text(t('INVOICE'), MARGIN + 300, top, { width: CONTENT_WIDTH - 300, align: 'right' });
  doc.font('regular').fontSize(9);
  const facts = [
    t('Invoice no. {{number}}', { number: invoice.number }),
    t('Issued {{day}}', { day: fmt.date(invoice.issuedAt) }),
    `${t('Sale #{{number}}', { number: sale.number })} · ${fmt.dateTime(sale.soldAt)}`,
  ];
  for (const f of facts) doc.text(f, MARGIN + 300, doc.y, { width: CONTENT_WIDTH - 300, align: 'right' });
  if (sale.status === 'cancelled') {
    doc
      .moveDown(0.3)
      .font('bold')
      .fontSize(12)
      .fillColor('#b00020')
      .text(`${t('CANCELLED')}${sale.cancelledAt ? ` ${fmt.dateTime(sale.cancelledAt)}` : ''}`, MARGIN + 300, doc.y, {
        width: CONTENT_WIDTH - 300,
        align: 'right',
      });
    doc.fillColor('black').font('regular').fontSize(9);
  }

  // Customer.
  let y = Math.max(sellerBottom, doc.y) + 20;
  doc.font('bold').fontSize(10).text(t('Bill to'), MARGIN, y);
  doc.font('regular').fontSize(9);
  if (sale.customer) {
    doc.text(sale.customer.name, { width: 300 });
    if (sale.customer.address) doc.text(sale.customer.address, { width: 300 });
    if (sale.customer.taxId) doc.text(t('Tax id: {{taxId}}', { taxId: sale.customer.taxId }), { width: 300 });
    if (sale.customer.email) doc.text(sale.customer.email, { width: 300 });
  } else {
    doc.text(t('Walk-in customer'), { width: 300 });
  }

  // Lines.
  y = doc.y + 16;
  const bottom = doc.page.height - MARGIN;
  const row = (cells: string[], font: 'regular' | 'bold', rowTop: number) => {
    doc.font(font).fontSize(8.5);
    let x = MARGIN;
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i]!.width - 4 })));
    cells.forEach((c, i) => {
      doc.text(c, x + 2, rowTop, { width: columns[i]!.width - 4, align: columns[i]!.align });
      x += columns[i]!.width;
    });
    return rowTop + height + 4;
  };
  const rule = (at: number) =>
    doc
      .moveTo(MARGIN, at)
      .lineTo(MARGIN + CONTENT_WIDTH, at)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
  const header = (at: number) => {
    const next = row(
      columns.map((c) => t(c.title)),
      'bold',
      at,
    );
    rule(next - 2);
    return next + 2;
  };
  y = header(y);
  for (const l of sale.lines) {
    const cells = [
      `${l.product.name} (${l.product.sku})`,
      `${fmt.quantity(l.quantity)} ${l.product.unit.code}`,
      money(l.unitPrice),
      l.discountPct.isZero() ? '' : fmt.percent(l.discountPct),
      money(l.lineSubtotal),
      fmt.percent(l.taxRate),
      money(l.lineTax),
      money(l.lineTotal),
    ];
    doc.font('regular').fontSize(8.5);
    const height = doc.heightOfString(cells[0]!, { width: columns[0]!.width - 4 }) + 4;
    if (y + height > bottom - 20) {
      doc.addPage();
      doc
        .font('regular')
        .fontSize(8)
        .fillColor(GREY)
        .text(
          t('{{business}} · Invoice no. {{number}} (continued)', { business: seller.legalName, number: invoice.number }),
          MARGIN,
          MARGIN,
          {
            width: CONTENT_WIDTH,
          },
        );
      doc.fillColor('black');
      y = header(MARGIN + 16);
    }
    y = row(cells, 'regular', y);
  }
  rule(y);

  // Tax breakdown by rate, then the totals.
  const block = 4 * 14 + (taxes.length + 2) * 14 + 40;
  if (y + block > bottom) {
    doc.addPage();
    y = MARGIN;
  }
  y += 12;
  const breakdownX = MARGIN + CONTENT_WIDTH - 300;
  const taxColumns = [
    { t: 'Tax rate', w: 60 },
    { t: 'Net', w: 80 },
    { t: 'Tax', w: 80 },
    { t: 'Total', w: 80 },
  ];
  const taxRow = (cells: string[], font: 'regular' | 'bold', at: number) => {
    doc.font(font).fontSize(8.5);
    let x = breakdownX;
    cells.forEach((c, i) => {
      doc.text(c, x, at, { width: taxColumns[i]!.w - 4, align: i === 0 ? 'left' : 'right' });
      x += taxColumns[i]!.w;
    });
    return at + 13;
  };
  doc.font('bold').fontSize(10).text(t('Tax by rate'), breakdownX, y);
  y = taxRow(
    taxColumns.map((c) => t(c.t)),
    'bold',
    y + 15,
  );
  for (const r of taxes) y = taxRow([fmt.percent(r.rate), money(r.net), money(r.tax), money(r.total)], 'regular', y);
  y += 10;
  const totals: Array<[string, string, 'regular' | 'bold']> = [
    ...(!sale.discountTotal.isZero() ? [['Discounts', `−${money(sale.discountTotal)}`, 'regular'] as [string, string, 'regular']] : []),
    ['Subtotal (net)', money(sale.subtotal), 'regular'],
    ['Tax', money(sale.taxTotal), 'regular'],
    ['Total', money(sale.total), 'bold'],
    ['Paid', money(sale.paidTotal), 'regular'],
    ['Amount due', sale.status === 'cancelled' ? '—' : money(sale.open), 'bold'],
  ];
  for (const [label, value, font] of totals) {
    doc.font(font).fontSize(font === 'bold' ? 10 : 9);
    doc.text(t(label), breakdownX, y, { width: 160 });
    doc.text(value, breakdownX + 160, y, { width: 136, align: 'right' });
    y += 15;
  }
  doc
    .font('regular')
    .fontSize(8)
    .fillColor(GREY)
    .text(t('Amounts in {{currency}}. Times in {{zone}}.', { currency: seller.currency, zone: seller.timeZone }), MARGIN, y + 12, {
      width: CONTENT_WIDTH,
    });
  doc.end();
  return done;
}
