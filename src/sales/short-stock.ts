import type { Formatter, DecimalLike } from '../format/index.ts';
import { say } from '../i18n/index.ts';

// A sale line asking for more than is on hand: one message for the form's preview and the
// confirmation's refusal, in the reader's language with the amount in the business's locale.

export function onlyInStock(
  fmt: Pick<Formatter, 'quantity'>,
  onHand: DecimalLike,
  product: { name: string; unit: { code: string } },
  linesOfProduct: number,
): string {
  const values = { quantity: fmt.quantity(onHand), unit: product.unit.code, name: product.name };
  return linesOfProduct > 1
    ? say('Only {{quantity}} {{unit}} of “{{name}}” in stock for all its lines together', values)
    : say('Only {{quantity}} {{unit}} of “{{name}}” in stock', values);
}
