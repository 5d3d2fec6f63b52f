import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { Tag } from '../components/Badge.js';
import { SelectField } from '../components/Field.js';
import { formatDateTime } from '../components/format.js';
import { PageHeader } from '../layout.js';
import { type Inspection, inspectionListQuery, inspectionQuery, parseInspectionFilters } from './queries.js';
import { VehicleLink } from './record-links.js';
import { Facts, PdfFrame, RecordFrame, RecordsNav, RecordTable, RelatedFilter } from './record-parts.js';

const STATUS: Record<Inspection['status'], { label: string; tone: 'ok' | 'warn' }> = {
  draft: { label: 'Draft', tone: 'warn' },
  completed: { label: 'Completed', tone: 'ok' },
};

const failures = (inspection: Inspection) => inspection.items.filter((item) => item.result === 'fail').length;

export function InspectionsPage() {
  const filters = useSearch({ from: '/records/inspections' });
  const navigate = useNavigate({ from: '/records/inspections' });
  const inspections = useInfiniteQuery(inspectionListQuery(filters));
  const setFilters = (next: Partial<typeof filters>) => void navigate({ search: parseInspectionFilters({ ...filters, ...next }), replace: true });
  return (
    <section>
      <PageHeader title="Inspections" />
      <RecordsNav />
      {filters.vehicleId && (
        <RelatedFilter label="Inspections of the vehicle" onRemove={() => setFilters({ vehicleId: undefined })}>
          <VehicleLink id={filters.vehicleId} />
        </RelatedFilter>
      )}
      <div role="search" aria-label="Filter inspections" className="filters">
        <SelectField label="Status" value={filters.status ?? ''} onChange={(e) => setFilters({ status: (e.target.value || undefined) as Inspection['status'] | undefined })}>
          <option value="">Any status</option>
          <option value="draft">Draft</option>
          <option value="completed">Completed</option>
        </SelectField>
      </div>
      <RecordTable
        caption="Inspections"
        query={inspections}
        filtered={Boolean(filters.vehicleId || filters.status)}
        empty="No inspections yet. Inspections are submitted through the API (POST /v1/inspections, 1 credit each)."
        columns={[
          {
            label: 'Created',
            cell: (inspection) => (
              <Link to="/records/inspections/$id" params={{ id: inspection.id }}>
                {formatDateTime(inspection.createdAt)}
              </Link>
            ),
          },
          { label: 'Vehicle', cell: (inspection) => <VehicleLink id={inspection.vehicleId} /> },
          { label: 'Status', cell: (inspection) => <Tag tone={STATUS[inspection.status].tone}>{STATUS[inspection.status].label}</Tag> },
          { label: 'Failed items', cell: failures },
          { label: 'Damages', cell: (inspection) => inspection.damages.length },
          { label: 'Signed by', cell: (inspection) => inspection.signedBy ?? '—' },
        ]}
      />
    </section>
  );
}

export function InspectionPage() {
  const { id } = useParams({ from: '/records/inspections/$id' });
  const inspection = useQuery(inspectionQuery(id));
  return (
    <RecordFrame list={{ to: '/records/inspections', label: 'Inspections' }} noun="inspection" id={id} query={inspection}>
      {(record) => <InspectionDetail inspection={record} />}
    </RecordFrame>
  );
}

function InspectionDetail({ inspection }: { inspection: Inspection }) {
  return (
    <>
      <PageHeader title={`Inspection of ${formatDateTime(inspection.createdAt)}`}>
        <Tag tone={STATUS[inspection.status].tone}>{STATUS[inspection.status].label}</Tag>
      </PageHeader>
      <div className="detail-grid">
        <section className="card" aria-labelledby="inspection-heading">
          <h2 id="inspection-heading">Inspection</h2>
          <Facts
            facts={[
              ['Vehicle', <VehicleLink key="vehicle" id={inspection.vehicleId} />],
              ['Mileage', inspection.mileage === null ? null : `${inspection.mileage.toLocaleString('en-GB')} miles`],
              ['Fuel', inspection.fuelLevel === null ? null : `${Math.round(inspection.fuelLevel * 100)}% of a tank`],
              ['Signed by', inspection.signedBy],
              ['Signed off', inspection.signedOffAt && formatDateTime(inspection.signedOffAt)],
              ['ID', <code key="id">{inspection.id}</code>],
            ]}
          />
        </section>
        <section className="card" aria-labelledby="damages-heading">
          <h2 id="damages-heading">Damages</h2>
          {inspection.damages.length === 0 ? (
            <p className="muted">No damage recorded.</p>
          ) : (
            <ul className="link-list">
              {inspection.damages.map((damage, index) => (
                <li key={index}>
                  <Tag tone={damage.severity === 'major' ? 'warn' : 'muted'}>{damage.severity}</Tag> <strong>{damage.location}</strong>: {damage.description}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="items-heading">
        <h2 id="items-heading">Checklist</h2>
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Checklist items and their results</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Result</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {inspection.items.map((item) => (
                <tr key={item.key}>
                  <td data-label="Item">{item.label}</td>
                  <td data-label="Result">
                    <Tag tone={item.result === 'pass' ? 'ok' : item.result === 'fail' ? 'warn' : 'muted'}>{item.result}</Tag>
                  </td>
                  <td data-label="Note">{item.note ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {inspection.status === 'completed' ? (
        <PdfFrame kind="inspection" id={inspection.id} version={inspection.status} title="Inspection report (PDF)" filename={`inspection-${inspection.id}.pdf`} />
      ) : (
        <p className="notice">The report PDF exists once the inspection is signed off.</p>
      )}
    </>
  );
}
