import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { Tag } from '../components/Badge.js';
import { SelectField } from '../components/Field.js';
import { formatDate, formatDateTime } from '../components/format.js';
import { PageHeader } from '../layout.js';
import { type Agreement, agreementListQuery, agreementQuery, parseAgreementFilters } from './queries.js';
import { CustomerLink, VehicleLink } from './record-links.js';
import { Facts, PdfFrame, RecordFrame, RecordsNav, RecordTable, RelatedFilter } from './record-parts.js';

const STATUS: Record<Agreement['status'], { label: string; tone: 'ok' | 'warn' }> = {
  pending_signature: { label: 'Awaiting signature', tone: 'warn' },
  signed: { label: 'Signed', tone: 'ok' },
};

const money = (value: { amount: string; currency: string } | null) => (value ? `${value.amount} ${value.currency}` : null);

export function AgreementsPage() {
  const filters = useSearch({ from: '/records/agreements' });
  const navigate = useNavigate({ from: '/records/agreements' });
  const agreements = useInfiniteQuery(agreementListQuery(filters));
  const setFilters = (next: Partial<typeof filters>) => void navigate({ search: parseAgreementFilters({ ...filters, ...next }), replace: true });
  return (
    <section>
      <PageHeader title="Rental agreements" />
      <RecordsNav />
      {filters.vehicleId && (
        <RelatedFilter label="Agreements for the vehicle" onRemove={() => setFilters({ vehicleId: undefined })}>
          <VehicleLink id={filters.vehicleId} />
        </RelatedFilter>
      )}
      {filters.customerId && (
        <RelatedFilter label="Agreements with the customer" onRemove={() => setFilters({ customerId: undefined })}>
          <CustomerLink id={filters.customerId} />
        </RelatedFilter>
      )}
      <div role="search" aria-label="Filter agreements" className="filters">
        <SelectField label="Status" value={filters.status ?? ''} onChange={(e) => setFilters({ status: (e.target.value || undefined) as Agreement['status'] | undefined })}>
          <option value="">Any status</option>
          <option value="pending_signature">Awaiting signature</option>
          <option value="signed">Signed</option>
        </SelectField>
      </div>
      <RecordTable
        caption="Agreements"
        query={agreements}
        filtered={Boolean(filters.vehicleId || filters.customerId || filters.status)}
        empty="No rental agreements yet. Agreements are created through the API (POST /v1/agreements, 1 credit each)."
        columns={[
          {
            label: 'Rental',
            cell: (agreement) => (
              <Link to="/records/agreements/$id" params={{ id: agreement.id }}>
                {formatDate(agreement.startsAt)} – {formatDate(agreement.endsAt)}
              </Link>
            ),
          },
          { label: 'Customer', cell: (agreement) => <CustomerLink id={agreement.customerId} /> },
          { label: 'Vehicle', cell: (agreement) => <VehicleLink id={agreement.vehicleId} /> },
          { label: 'Daily rate', cell: (agreement) => money(agreement.dailyRate) },
          { label: 'Status', cell: (agreement) => <Tag tone={STATUS[agreement.status].tone}>{STATUS[agreement.status].label}</Tag> },
        ]}
      />
    </section>
  );
}

export function AgreementPage() {
  const { id } = useParams({ from: '/records/agreements/$id' });
  const agreement = useQuery(agreementQuery(id));
  return (
    <RecordFrame list={{ to: '/records/agreements', label: 'Agreements' }} noun="agreement" id={id} query={agreement}>
      {(record) => <AgreementDetail agreement={record} />}
    </RecordFrame>
  );
}

function AgreementDetail({ agreement }: { agreement: Agreement }) {
  return (
    <>
      <PageHeader title={`Rental agreement, ${formatDate(agreement.startsAt)} – ${formatDate(agreement.endsAt)}`}>
        <Tag tone={STATUS[agreement.status].tone}>{STATUS[agreement.status].label}</Tag>
      </PageHeader>
      <section className="card" aria-labelledby="agreement-heading">
        <h2 id="agreement-heading">Agreement</h2>
        <Facts
          facts={[
            ['Customer', <CustomerLink key="customer" id={agreement.customerId} />],
            ['Vehicle', <VehicleLink key="vehicle" id={agreement.vehicleId} />],
            ['Starts', formatDateTime(agreement.startsAt)],
            ['Ends', formatDateTime(agreement.endsAt)],
            ['Daily rate', money(agreement.dailyRate)],
            ['Deposit', money(agreement.deposit)],
            ['Mileage limit', agreement.mileageLimit === null ? null : `${agreement.mileageLimit.toLocaleString('en-GB')} miles`],
            ['Terms', agreement.terms],
            ['Signed by', agreement.signedBy],
            ['Signed', agreement.signedAt && formatDateTime(agreement.signedAt)],
            ['Created', formatDateTime(agreement.createdAt)],
            ['ID', <code key="id">{agreement.id}</code>],
          ]}
        />
      </section>
      <PdfFrame kind="agreement" id={agreement.id} version={agreement.status} title="Agreement document (PDF)" filename={`agreement-${agreement.id}.pdf`} />
    </>
  );
}
