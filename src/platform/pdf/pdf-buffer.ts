import { StreamableFile } from '@nestjs/common';
import PDFDocument from 'pdfkit';

export type PdfDocument = InstanceType<typeof PDFDocument>;

/** Renders a PDF in memory (the documents are a page or two) and returns it ready to send. */
export async function renderPdf(fileName: string, title: string, draw: (doc: PdfDocument) => void): Promise<StreamableFile> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title, Producer: 'Fleetgate', Creator: 'Fleetgate' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  await finished;
  const pdf = Buffer.concat(chunks);
  return new StreamableFile(pdf, { type: 'application/pdf', disposition: `inline; filename="${fileName}"`, length: pdf.length });
}

/** A heading followed by label/value lines. */
export function section(doc: PdfDocument, heading: string, lines: Array<[string, string]>): void {
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text(heading);
  doc.font('Helvetica').fontSize(10);
  for (const [label, value] of lines) {
    doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
  }
}

export const formatDateTime = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
