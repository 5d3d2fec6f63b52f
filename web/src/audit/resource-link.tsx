import { Link } from '@tanstack/react-router';
import { isRecordType, RecordLink } from '../records/record-links.js';
import { permissionsOf } from '../session/permissions.js';
import { useMe } from '../session/session.js';

/** A resource named in an audit event, linked to its page when the console has one. */
export function ResourceLink({ type, id }: { type: string | null; id: string | null }) {
  const can = permissionsOf(useMe().role);
  if (!type) return <span className="muted">—</span>;
  const label = `${type} ${id ?? ''}`.trim();
  if (type === 'api_key' && id && can.viewKeys) {
    return (
      <Link to="/keys/$publicId" params={{ publicId: id }}>
        {label}
      </Link>
    );
  }
  if (type === 'webhook' && id && can.viewWebhooks) {
    return (
      <Link to="/webhooks/$id" params={{ id }}>
        {label}
      </Link>
    );
  }
  if (isRecordType(type) && id && can.readRecords) {
    return (
      <RecordLink type={type} id={id}>
        {label}
      </RecordLink>
    );
  }
  return <span>{label}</span>;
}
