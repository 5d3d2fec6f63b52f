import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Button } from '../components/Button.js';
import { TextField } from '../components/Field.js';
import { formatDate, formatDateTime } from '../components/format.js';
import { PageHeader } from '../layout.js';
import { type Customer, customerListQuery, customerQuery, parseCustomerFilters } from './queries.js';
import { LicenceStatus } from './licence-checks.js';
import { Facts, RecordFrame, RecordsNav, RecordTable } from './record-parts.js';

export function CustomersPage() {
  const filters = useSearch({ from: '/records/customers' });
  const navigate = useNavigate({ from: '/records/customers' });
  const customers = useInfiniteQuery(customerListQuery(filters));
  const [email, setEmail] = useState(filters.email ?? '');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({ search: parseCustomerFilters({ email }), replace: true });
  };
  return (
    <section>
      <PageHeader title="Customers" />
      <RecordsNav />
      <form role="search" aria-label="Filter customers" className="filters-inline" onSubmit={apply}>
        <TextField label="E-mail (exact)" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <div className="form-actions">
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </div>
      </form>
      <RecordTable
        caption="Customers"
        query={customers}
        filtered={Boolean(filters.email)}
        empty="No customers yet. Customers are added through the API (POST /v1/customers)."
        columns={[
          {
            label: 'Name',
            cell: (customer) => (
              <Link to="/records/customers/$id" params={{ id: customer.id }} className="key-name">
                {customer.name}
              </Link>
            ),
          },
          { label: 'E-mail', cell: (customer) => customer.email ?? '—' },
          { label: 'Licence', cell: (customer) => (customer.licence ? <code>{customer.licence.number}</code> : '—') },
          { label: 'Latest check', cell: (customer) => (customer.latestLicenceCheck ? <LicenceStatus check={customer.latestLicenceCheck} /> : <span className="muted">Never checked</span>) },
          { label: 'Added', cell: (customer) => formatDate(customer.createdAt) },
        ]}
      />
    </section>
  );
}

export function CustomerPage() {
  const { id } = useParams({ from: '/records/customers/$id' });
  const customer = useQuery(customerQuery(id));
  return (
    <RecordFrame list={{ to: '/records/customers', label: 'Customers' }} noun="customer" id={id} query={customer}>
      {(record) => <CustomerDetail customer={record} />}
    </RecordFrame>
  );
}

const addressOf = ({ address }: Customer) => (address ? [address.line1, address.line2, address.city, address.postcode, address.country].filter(Boolean).join(', ') : null);

function CustomerDetail({ customer }: { customer: Customer }) {
  const check = customer.latestLicenceCheck;
  return (
    <>
      <PageHeader title={customer.name} />
      <p className="link-row">
        <Link to="/records/licence-checks" search={{ customerId: customer.id }}>
          Licence checks of this customer
        </Link>
        <Link to="/records/agreements" search={{ customerId: customer.id }}>
          Agreements with this customer
        </Link>
      </p>
      <div className="detail-grid">
        <section className="card" aria-labelledby="customer-heading">
          <h2 id="customer-heading">Customer</h2>
          <Facts
            facts={[
              ['E-mail', customer.email],
              ['Phone', customer.phone],
              ['Address', addressOf(customer)],
              ['Date of birth', formatDate(customer.dateOfBirth)],
              ['Added', formatDateTime(customer.createdAt)],
              ['Updated', formatDateTime(customer.updatedAt)],
              ['ID', <code key="id">{customer.id}</code>],
            ]}
          />
        </section>
        <section className="card" aria-labelledby="licence-heading">
          <h2 id="licence-heading">Driving licence</h2>
          {customer.licence ? (
            <Facts
              facts={[
                ['Number', <code key="number">{customer.licence.number}</code>],
                ['Expires', formatDate(customer.licence.expiresAt)],
                ['Categories', customer.licence.categories?.join(', ')],
              ]}
            />
          ) : (
            <p className="muted">No licence on file.</p>
          )}
          <h3>Latest licence check</h3>
          {check ? (
            <Facts
              facts={[
                ['Result', <LicenceStatus key="status" check={check} />],
                ['Penalty points', check.penaltyPoints],
                ['Checked', formatDateTime(check.checkedAt)],
                [
                  'Details',
                  <Link key="link" to="/records/licence-checks/$id" params={{ id: check.id }}>
                    Open the check
                  </Link>,
                ],
              ]}
            />
          ) : (
            <p className="muted">This customer's licence has not been checked yet.</p>
          )}
        </section>
      </div>
    </>
  );
}
