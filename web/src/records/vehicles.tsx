import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Tag } from '../components/Badge.js';
import { Button } from '../components/Button.js';
import { TextField } from '../components/Field.js';
import { formatDate, formatDateTime } from '../components/format.js';
import { PageHeader } from '../layout.js';
import { parseVehicleFilters, type Vehicle, vehicleListQuery, vehicleQuery } from './queries.js';
import { Facts, RecordFrame, RecordsNav, RecordTable } from './record-parts.js';

const LOOKUP: Record<Vehicle['lookupStatus'], { label: string; tone: 'ok' | 'warn' | 'muted' }> = {
  complete: { label: 'DVLA data', tone: 'ok' },
  pending: { label: 'Lookup pending', tone: 'warn' },
  not_found: { label: 'Not found at DVLA', tone: 'muted' },
};

const describe = (vehicle: Vehicle) => [vehicle.dvla?.colour, vehicle.dvla?.make].filter(Boolean).join(' ').toLowerCase() || '—';

export function VehiclesPage() {
  const filters = useSearch({ from: '/records/vehicles' });
  const navigate = useNavigate({ from: '/records/vehicles' });
  const vehicles = useInfiniteQuery(vehicleListQuery(filters));
  const [registration, setRegistration] = useState(filters.registration ?? '');
  const setFilters = (next: Partial<typeof filters>) => void navigate({ search: parseVehicleFilters({ ...filters, ...next }), replace: true });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ registration: registration || undefined });
  };
  return (
    <section>
      <PageHeader title="Vehicles" />
      <RecordsNav />
      <form role="search" aria-label="Filter vehicles" className="filters-inline" onSubmit={apply}>
        <TextField label="Registration" value={registration} onChange={(e) => setRegistration(e.target.value)} placeholder="AB12 CDE" />
        <div className="form-actions">
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={filters.includeArchived ?? false} onChange={(e) => setFilters({ includeArchived: e.target.checked || undefined })} /> Include archived vehicles
        </label>
      </form>
      <RecordTable
        caption="Vehicles"
        query={vehicles}
        filtered={Boolean(filters.registration)}
        empty="No vehicles yet. Vehicles are added through the API (POST /v1/vehicles)."
        columns={[
          {
            label: 'Registration',
            cell: (vehicle) => (
              <Link to="/records/vehicles/$id" params={{ id: vehicle.id }} className="key-name">
                {vehicle.registration}
              </Link>
            ),
          },
          { label: 'Vehicle', cell: describe },
          { label: 'Nickname', cell: (vehicle) => vehicle.nickname ?? '—' },
          { label: 'MOT', cell: (vehicle) => (vehicle.dvla?.motStatus ? `${vehicle.dvla.motStatus} (expires ${formatDate(vehicle.dvla.motExpiryDate)})` : '—') },
          {
            label: 'DVLA lookup',
            cell: (vehicle) => (
              <>
                <Tag tone={LOOKUP[vehicle.lookupStatus].tone}>{LOOKUP[vehicle.lookupStatus].label}</Tag> {vehicle.archivedAt && <Tag>Archived</Tag>}
              </>
            ),
          },
          { label: 'Added', cell: (vehicle) => formatDate(vehicle.createdAt) },
        ]}
      />
    </section>
  );
}

export function VehiclePage() {
  const { id } = useParams({ from: '/records/vehicles/$id' });
  const vehicle = useQuery(vehicleQuery(id));
  return (
    <RecordFrame list={{ to: '/records/vehicles', label: 'Vehicles' }} noun="vehicle" id={id} query={vehicle}>
      {(record) => <VehicleDetail vehicle={record} />}
    </RecordFrame>
  );
}

function VehicleDetail({ vehicle }: { vehicle: Vehicle }) {
  const dvla = vehicle.dvla;
  return (
    <>
      <PageHeader title={vehicle.registration}>
        <Tag tone={LOOKUP[vehicle.lookupStatus].tone}>{LOOKUP[vehicle.lookupStatus].label}</Tag>
        {vehicle.archivedAt && <Tag tone="warn">Archived</Tag>}
      </PageHeader>
      <p className="link-row">
        <Link to="/records/inspections" search={{ vehicleId: vehicle.id }}>
          Inspections of this vehicle
        </Link>
        <Link to="/records/agreements" search={{ vehicleId: vehicle.id }}>
          Agreements for this vehicle
        </Link>
      </p>
      <div className="detail-grid">
        <section className="card" aria-labelledby="vehicle-heading">
          <h2 id="vehicle-heading">Vehicle</h2>
          <Facts
            facts={[
              ['Registration', vehicle.registration],
              ['VIN', vehicle.vin && <code>{vehicle.vin}</code>],
              ['Nickname', vehicle.nickname],
              ['Mileage', vehicle.mileage === null ? null : `${vehicle.mileage.toLocaleString('en-GB')} miles`],
              ['Added', formatDateTime(vehicle.createdAt)],
              ['Updated', formatDateTime(vehicle.updatedAt)],
              ['Archived', vehicle.archivedAt && formatDateTime(vehicle.archivedAt)],
              ['ID', <code key="id">{vehicle.id}</code>],
            ]}
          />
        </section>
        <section className="card" aria-labelledby="dvla-heading">
          <h2 id="dvla-heading">DVLA details</h2>
          {!dvla ? (
            <p className="muted">
              {vehicle.lookupStatus === 'pending'
                ? 'The DVLA lookup has not completed yet; it is retried in the background.'
                : 'The DVLA has no record of this registration.'}
            </p>
          ) : (
            <Facts
              facts={[
                ['Make', dvla.make],
                ['Colour', dvla.colour],
                ['Fuel', dvla.fuelType],
                ['Year of manufacture', dvla.yearOfManufacture],
                ['First registered', dvla.monthOfFirstRegistration],
                ['Engine', dvla.engineCapacity === null ? null : `${dvla.engineCapacity} cc`],
                ['CO₂ emissions', dvla.co2Emissions === null ? null : `${dvla.co2Emissions} g/km`],
                ['Tax', dvla.taxStatus && `${dvla.taxStatus}${dvla.taxDueDate ? `, due ${formatDate(dvla.taxDueDate)}` : ''}`],
                ['MOT', dvla.motStatus && `${dvla.motStatus}${dvla.motExpiryDate ? `, expires ${formatDate(dvla.motExpiryDate)}` : ''}`],
                ['Euro status', dvla.euroStatus],
                ['Looked up', formatDateTime(vehicle.lookedUpAt)],
              ]}
            />
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="mot-heading">
        <h2 id="mot-heading">MOT history</h2>
        {vehicle.motTests.length === 0 ? (
          <p className="muted">No MOT tests on record.</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">MOT tests, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Result</th>
                  <th scope="col">Odometer</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Defects and advisories</th>
                </tr>
              </thead>
              <tbody>
                {vehicle.motTests.map((test) => (
                  <tr key={test.motTestNumber ?? test.completedDate}>
                    <td data-label="Date">{formatDate(test.completedDate)}</td>
                    <td data-label="Result">
                      <Tag tone={test.testResult === 'PASSED' ? 'ok' : 'warn'}>{test.testResult}</Tag>
                    </td>
                    <td data-label="Odometer">{test.odometerValue === null ? '—' : `${test.odometerValue.toLocaleString('en-GB')} ${test.odometerUnit ?? ''}`.trim()}</td>
                    <td data-label="Expires">{formatDate(test.expiryDate)}</td>
                    <td data-label="Defects and advisories">
                      {test.defects.length === 0 ? (
                        'None'
                      ) : (
                        <ul className="link-list">
                          {test.defects.map((defect, index) => (
                            <li key={index}>
                              <strong>{defect.dangerous ? 'DANGEROUS ' : ''}{defect.type}</strong>: {defect.text}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
