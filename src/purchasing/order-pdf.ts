import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { createFormatter } from '../format/index.ts';
import type { PurchaseOrdersService } from './orders.service.ts';

// The purchase order as an A4 PDF for the supplier, drawn by pdfkit the way the invoice is
// (src/printing/invoice-pdf.ts): DejaVu Sans embedded, so any name prints.

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const MARGIN = 50;
const CONTENT_WIDTH = 595.28 - 2 * MARGIN;
const GREY = '#555555';

export type OrderDocument = Awaited<ReturnType<PurchaseOrdersService['document']>>;
export type Translate = (key: string, values?: Record<string, string | number>) => string;

const columns: Array<{ title: string; width: number; align: 'left' | 'right' }> = [
  { title: 'Product', width: 175 },
  { title: 'Your code', width: 70 },
  { title: 'Quantity', width: 70 },
  { title: 'Unit cost', width: 85 },
  { title: 'Total', width: 95 },
].map((c, i) => ({ ...c, align: i < 2 ? ('left' as const) : ('right' as const) }));

export const orderFileName = (number: number) => `purchase-order-${number}.pdf`;

export function orderPdf({ order, buyer, display }: OrderDocument, t: Translate): Promise<Buffer> {
  const fmt = createFormatter(display);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: t('Purchase order #{{number}}', { number: order.number }), Author: buyer.name },
  });
  doc.registerFont('regular', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const top = MARGIN;
  doc.font('bold').fontSize(14).text(buyer.name, MARGIN, top, { width: 300 });
  doc.font('regular').fontSize(9).fillColor(GREY);
  if (buyer.tradingName) doc.text(t('Trading as {{name}}', { name: buyer.tradingName }), { width: 300 });
  for (const line of buyer.addressLines) doc.text(line, { width: 300 });
  if (buyer.taxId) doc.text(t('Tax id: {{taxId}}', { taxId: buyer.taxId }), { width: 300 });
  const contact = [buyer.phone, buyer.email].filter(Boolean).join(' · ');
  if (contact) doc.text(contact, { width: 300 });
  const buyerBottom = doc.y;

  doc
    .fillColor('black')
    .font('bold')
    .fontSize(16)
    .text(t('PURCHASE ORDER'), MARGIN + 250, top, { width: CONTENT_WIDTH - 250, align: 'right' });
  doc.font('regular').fontSize(9);
  for (const f of [
    t('Order no. {{number}}', { number: order.number }),
    t('Date {{day}}', { day: fmt.date(order.orderedAt ?? order.createdAt) }),
    ...(order.status === 'draft' ? [t('DRAFT: not sent yet')] : []),
    ...(order.status === 'cancelled' ? [t('CANCELLED')] : []),
  ])
    doc.text(f, MARGIN + 250, doc.y, { width: CONTENT_WIDTH - 250, align: 'right' });

  let y = Math.max(buyerBottom, doc.y) + 20;
  doc.font('bold').fontSize(10).text(t('Supplier'), MARGIN, y);
  doc.font('regular').fontSize(9);
  const s = order.supplier;
  for (const line of [s.name, s.contactName, s.address, s.taxId ? t('Tax id: {{taxId}}', { taxId: s.taxId }) : null, s.email, s.phone])
    if (line) doc.text(line, { width: 300 });
  if (s.paymentTermsDays > 0) doc.text(t('Payment terms: {{days}} days', { days: s.paymentTermsDays }), { width: 300 });

  y = doc.y + 16;
  const row = (cells: string[], font: 'regular' | 'bold', at: number) => {
    doc.font(font).fontSize(8.5);
    let x = MARGIN;
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i]!.width - 4 })));
    cells.forEach((c, i) => {
      doc.text(c, x + 2, at, { width: columns[i]!.width - 4, align: columns[i]!.align });
      x += columns[i]!.width;
    });
    return at + height + 4;
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
  const bottom = doc.page.height - MARGIN;
  for (const l of order.lines) {
    const cells = [
      `${l.product.name} (${l.product.sku})`,
      l.product.supplierCode ?? '',
      `${fmt.quantity(l.quantity)} ${l.product.unit.code}`,
      fmt.money(l.unitCost),
      fmt.money(l.lineValue),
    ];
    doc.font('regular').fontSize(8.5);
    if (y + doc.heightOfString(cells[0]!, { width: columns[0]!.width - 4 }) + 4 > bottom - 40) {
      doc.addPage();
      y = header(MARGIN);
    }
    y = row(cells, 'regular', y);
  }
  rule(y);
  y += 8;
  doc
    .font('bold')
    .fontSize(10)
    .text(t('Total'), MARGIN + 300, y, { width: 100 });
  doc.text(fmt.money(order.value), MARGIN + 400, y, { width: CONTENT_WIDTH - 400, align: 'right' });
  y += 20;
  if (order.note) doc.font('regular').fontSize(9).text(order.note, MARGIN, y, { width: CONTENT_WIDTH });
  doc
    .font('regular')
    .fontSize(8)
    .fillColor(GREY)
    .text(t('Amounts in {{currency}}.', { currency: display.currency }), MARGIN, doc.y + 12, { width: CONTENT_WIDTH });
  doc.end();
  return done;
}
