import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { customerQuery, vehicleQuery } from './queries.js';

/** A vehicle named by its registration (once loaded; cached across rows), linked to its page. */
export function VehicleLink({ id }: { id: string }) {
  const vehicle = useQuery(vehicleQuery(id));
  return (
    <Link to="/records/vehicles/$id" params={{ id }}>
      {vehicle.data?.registration ?? <code>{id}</code>}
    </Link>
  );
}

/** A customer named by their name (once loaded), linked to their page. */
export function CustomerLink({ id }: { id: string }) {
  const customer = useQuery(customerQuery(id));
  return (
    <Link to="/records/customers/$id" params={{ id }}>
      {customer.data?.name ?? <code>{id}</code>}
    </Link>
  );
}

export type RecordType = 'vehicle' | 'customer' | 'inspection' | 'agreement' | 'licence_check';

/** Whether the console has a record page for a resource type (audit events, ledger entries). */
export const isRecordType = (type: string | null | undefined): type is RecordType =>
  type === 'vehicle' || type === 'customer' || type === 'inspection' || type === 'agreement' || type === 'licence_check';

/** A link to a record's page by its type and id. */
export function RecordLink({ type, id, children }: { type: RecordType; id: string; children: React.ReactNode }) {
  switch (type) {
    case 'vehicle':
      return (
        <Link to="/records/vehicles/$id" params={{ id }}>
          {children}
        </Link>
      );
    case 'customer':
      return (
        <Link to="/records/customers/$id" params={{ id }}>
          {children}
        </Link>
      );
    case 'inspection':
      return (
        <Link to="/records/inspections/$id" params={{ id }}>
          {children}
        </Link>
      );
    case 'agreement':
      return (
        <Link to="/records/agreements/$id" params={{ id }}>
          {children}
        </Link>
      );
    case 'licence_check':
      return (
        <Link to="/records/licence-checks/$id" params={{ id }}>
          {children}
        </Link>
      );
  }
}
