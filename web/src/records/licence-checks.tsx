import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import type { Schemas } from '../../../sdk/index.js';
import { Tag } from '../components/Badge.js';
import { formatDate, formatDateTime } from '../components/format.js';
import { PageHeader } from '../layout.js';
import { type LicenceCheck, licenceCheckListQuery, licenceCheckQuery } from './queries.js';
import { CustomerLink } from './record-links.js';
import { Facts, RecordFrame, RecordsNav, RecordTable, RelatedFilter } from './record-parts.js';

/** A check's outcome in words: its status, and whether it was flagged. */
export function LicenceStatus({ check }: { check: Pick<Schemas['LicenceCheckSummaryResponse'], 'status' | 'flagged' | 'penaltyPoints'> }) {
  return (
    <>
      <Tag tone={check.status === 'valid' ? 'ok' : 'warn'}>{check.status}</Tag> {check.flagged && <Tag tone="warn">Flagged</Tag>}{' '}
      <span className="muted">
        {check.penaltyPoints} {check.penaltyPoints === 1 ? 'point' : 'points'}
      </span>
    </>
  );
}

export function LicenceChecksPage() {
  const filters = useSearch({ from: '/records/licence-checks' });
  const navigate = useNavigate({ from: '/records/licence-checks' });
  const checks = useInfiniteQuery(licenceCheckListQuery(filters));
  return (
    <section>
      <PageHeader title="Licence checks" />
      <RecordsNav />
      {filters.customerId && (
        <RelatedFilter label="Checks of the customer" onRemove={() => void navigate({ search: {}, replace: true })}>
          <CustomerLink id={filters.customerId} />
        </RelatedFilter>
      )}
      <RecordTable
        caption="Licence checks"
        query={checks}
        filtered={Boolean(filters.customerId)}
        empty="No licence checks yet. Checks are run through the API (POST /v1/licence-checks)."
        columns={[
          {
            label: 'Checked',
            cell: (check) => (
              <Link to="/records/licence-checks/$id" params={{ id: check.id }}>
                {formatDateTime(check.checkedAt)}
              </Link>
            ),
          },
          { label: 'Licence', cell: (check) => <code>{check.licenceNumber}</code> },
          { label: 'Customer', cell: (check) => (check.customerId ? <CustomerLink id={check.customerId} /> : '—') },
          { label: 'Result', cell: (check) => <LicenceStatus check={check} /> },
        ]}
      />
    </section>
  );
}

export function LicenceCheckPage() {
  const { id } = useParams({ from: '/records/licence-checks/$id' });
  const check = useQuery(licenceCheckQuery(id));
  return (
    <RecordFrame list={{ to: '/records/licence-checks', label: 'Licence checks' }} noun="licence check" id={id} query={check}>
      {(record) => <LicenceCheckDetail check={record} />}
    </RecordFrame>
  );
}

function LicenceCheckDetail({ check }: { check: LicenceCheck }) {
  return (
    <>
      <PageHeader title={`Licence check of ${check.licenceNumber}`} />
      {check.source === 'simulated' && <p className="notice">This answer is simulated: no DVLA contract is configured, so it is not the DVLA's.</p>}
      {check.warnings.map((warning) => (
        <p key={warning.code} className="notice notice-warn">
          {warning.message}
        </p>
      ))}
      <div className="detail-grid">
        <section className="card" aria-labelledby="check-heading">
          <h2 id="check-heading">Result</h2>
          <Facts
            facts={[
              ['Status', <LicenceStatus key="status" check={check} />],
              ['Licence number', <code key="number">{check.licenceNumber}</code>],
              ['Customer', check.customerId && <CustomerLink key="customer" id={check.customerId} />],
              ['Categories', check.categories.join(', ')],
              ['Checked', formatDateTime(check.checkedAt)],
              ['Source', check.source === 'dvla' ? 'DVLA' : 'Simulated'],
              ['ID', <code key="id">{check.id}</code>],
            ]}
          />
        </section>
        <section className="card" aria-labelledby="endorsements-heading">
          <h2 id="endorsements-heading">Endorsements</h2>
          {check.endorsements.length === 0 ? (
            <p className="muted">No endorsements.</p>
          ) : (
            <div className="table-wrap">
              <table className="data-table">
                <caption className="visually-hidden">Endorsements on the licence</caption>
                <thead>
                  <tr>
                    <th scope="col">Code</th>
                    <th scope="col">Points</th>
                    <th scope="col">Offence</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {check.endorsements.map((endorsement) => (
                    <tr key={`${endorsement.code}-${endorsement.offenceDate}`}>
                      <td data-label="Code">
                        <code>{endorsement.code}</code>
                      </td>
                      <td data-label="Points">{endorsement.points}</td>
                      <td data-label="Offence">{formatDate(endorsement.offenceDate)}</td>
                      <td data-label="Expires">{formatDate(endorsement.expiresAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </>
  );
}
