import bwipjs from 'bwip-js';
import { say } from '../i18n/index.ts';

// Barcodes for labels, drawn by bwip-js (BWIPP in JavaScript: no native code, no network) as
// SVG: EAN-13 when the code is a valid EAN-13 (what a retail scanner expects), otherwise
// Code 128, which carries any printable ASCII. The digits are printed by the page as text
// under the bars (selectable, smaller than bwip-js's drawn glyphs).

export type Symbology = 'ean13' | 'code128';

export interface Barcode {
  symbology: Symbology;
  /** What the bars encode. */
  text: string;
  svg: string;
}

/** 13 digits whose last is the GS1 check digit of the first 12. */
export function isEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  const digits = [...code].map(Number);
  const sum = digits.slice(0, 12).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

/** Code 128 encodes ASCII 32–126 only; anything else cannot be printed as bars. */
export const encodableAsCode128 = (code: string) => code.length > 0 && code.length <= 80 && /^[\x20-\x7e]+$/.test(code);

/** The barcode of a label, or undefined when the code cannot be drawn (then the label shows the code as text). */
export function barcodeFor(code: string): Barcode | undefined {
  const symbology: Symbology | undefined = isEan13(code) ? 'ean13' : encodableAsCode128(code) ? 'code128' : undefined;
  if (!symbology) return undefined;
  const drawn = bwipjs.toSVG({ bcid: symbology, text: code, height: 12, scale: 2, includetext: false });
  // The element names what it encodes, for assistive technology and for checking a sheet.
  const attributes = `class="barcode" role="img" aria-label="${escapeAttribute(say('Barcode {{code}}', { code }))}" data-code="${escapeAttribute(code)}" data-symbology="${symbology}" preserveAspectRatio="none"`;
  return { symbology, text: code, svg: drawn.replace(/^<svg /, `<svg ${attributes} `) };
}

const escapeAttribute = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
