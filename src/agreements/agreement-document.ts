import type { StreamableFile } from '@nestjs/common';
import type { Customer } from '../customers/customers.repository.js';
import { formatDateTime, renderPdf, section } from '../platform/pdf/pdf-buffer.js';
import type { Vehicle } from '../vehicles/vehicles.repository.js';
import type { RentalAgreement } from './rental-agreement.entity.js';

interface Parties {
  companyName: string;
  vehicle: Vehicle;
  customer: Customer;
}

/** The agreement as a PDF: parties, vehicle, dates, rates, terms and, once signed, the signature block. */
export function agreementDocument(agreement: RentalAgreement, { companyName, vehicle, customer }: Parties): Promise<StreamableFile> {
  const money = (amount: string) => `${amount} ${agreement.currency}`;
  return renderPdf(`agreement-${agreement.id}.pdf`, `Rental agreement ${vehicle.registration}`, (doc) => {
    doc.font('Helvetica-Bold').fontSize(18).text('Vehicle rental agreement');
    doc.font('Helvetica').fontSize(9).fillColor('#555555').text(`Agreement ${agreement.id}`).fillColor('black');
    section(doc, 'Parties', [
      ['Owner (lessor)', companyName],
      ['Hirer', customer.name],
      ['Hirer e-mail', customer.email ?? 'Not given'],
      ['Hirer phone', customer.phone ?? 'Not given'],
      ['Hirer licence', customer.licence?.number ?? 'Not on file'],
    ]);
    section(doc, 'Vehicle', [
      ['Registration', vehicle.registration],
      ['Make', vehicle.dvla?.make ?? 'Unknown'],
      ['Colour', vehicle.dvla?.colour ?? 'Unknown'],
    ]);
    section(doc, 'Rental period', [
      ['Starts', formatDateTime(agreement.startsAt)],
      ['Ends', formatDateTime(agreement.endsAt)],
    ]);
    section(doc, 'Charges', [
      ['Daily rate', money(agreement.dailyRate)],
      ['Deposit', agreement.deposit === null ? 'None' : money(agreement.deposit)],
      ['Mileage limit', agreement.mileageLimit === null ? 'Unlimited' : `${agreement.mileageLimit} miles`],
    ]);
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text('Terms');
    doc.font('Helvetica').fontSize(10).text(agreement.terms ?? 'Standard terms of hire apply.');
    if (agreement.status === 'signed' && agreement.signedAt) {
      section(doc, 'Signature', [
        ['Signed by', agreement.signedBy ?? ''],
        ['Signed at', formatDateTime(agreement.signedAt)],
      ]);
    } else {
      section(doc, 'Signature', [['Status', 'Awaiting signature']]);
    }
  });
}
