import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// Reads a PDF the way a person's viewer would (Mozilla's PDF.js): its pages' size and text.

export interface PdfText {
  pages: number;
  /** Each page's size in points (1/72 inch). */
  sizes: Array<{ width: number; height: number }>;
  /** Each page's text runs, in drawing order. */
  runs: string[][];
  /** All text, runs joined by single spaces. */
  text: string;
  info: Record<string, unknown>;
}

export async function readPdf(bytes: Uint8Array): Promise<PdfText> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const sizes: PdfText['sizes'] = [];
    const runs: string[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const { width, height } = page.getViewport({ scale: 1 });
      sizes.push({ width, height });
      const content = await page.getTextContent();
      runs.push(content.items.flatMap((item) => ('str' in item && item.str.trim() ? [item.str.trim()] : [])));
    }
    const { info } = await doc.getMetadata();
    return { pages: doc.numPages, sizes, runs, text: runs.flat().join(' '), info: info as Record<string, unknown> };
  } finally {
    await doc.destroy();
  }
}

/** Millimetres in PDF points. */
export const mm = (points: number) => (points * 25.4) / 72;
