import type { StreamableFile } from '@nestjs/common';
import type { Vehicle } from '../vehicles/vehicles.repository.js';
import type { InspectionTemplate } from './inspection-template.entity.js';
import type { Inspection } from './inspection.entity.js';
import { formatDateTime, renderPdf, section } from '../platform/pdf/pdf-buffer.js';

const RESULT_LABELS = { pass: 'PASS', fail: 'FAIL', na: 'N/A' } as const;

/** The PDF of a completed inspection: vehicle, checklist with results, damages, signer and date. */
export function inspectionReport(inspection: Inspection, vehicle: Vehicle, template: InspectionTemplate): Promise<StreamableFile> {
  return renderPdf(`inspection-${inspection.id}.pdf`, `${template.name} ${vehicle.registration}`, (doc) => {
    doc.font('Helvetica-Bold').fontSize(18).text(template.name);
    doc.font('Helvetica').fontSize(9).fillColor('#555555').text(`Inspection ${inspection.id}`).fillColor('black');
    section(doc, 'Vehicle', [
      ['Registration', vehicle.registration],
      ['Make', vehicle.dvla?.make ?? 'Unknown'],
      ['Colour', vehicle.dvla?.colour ?? 'Unknown'],
      ['Mileage', inspection.mileage === null ? 'Not recorded' : String(inspection.mileage)],
      ['Fuel level', inspection.fuelLevel === null ? 'Not recorded' : `${Math.round(inspection.fuelLevel * 100)}%`],
    ]);
    section(
      doc,
      'Checklist',
      inspection.items.map((item) => [item.label, `${RESULT_LABELS[item.result]}${item.note ? ` (${item.note})` : ''}`]),
    );
    section(
      doc,
      'Damages',
      inspection.damages.length === 0
        ? [['Recorded', 'None']]
        : inspection.damages.map((damage) => [`${damage.location} [${damage.severity}]`, damage.description]),
    );
    section(doc, 'Sign-off', [
      ['Signed off by', inspection.signedBy ?? ''],
      ['Date', inspection.signedOffAt ? formatDateTime(inspection.signedOffAt) : ''],
      ['Inspected', formatDateTime(inspection.createdAt)],
    ]);
  });
}
