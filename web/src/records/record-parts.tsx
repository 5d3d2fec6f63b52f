import { type UseInfiniteQueryResult, type UseQueryResult, type InfiniteData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import { isStatus } from '../api/problems.js';
import { Button } from '../components/Button.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { pdfQuery } from './queries.js';

/** The records area's own navigation: one entry per kind of record, each a list. */
export function RecordsNav() {
  const kinds = [
    { to: '/records/vehicles', label: 'Vehicles' },
    { to: '/records/customers', label: 'Customers' },
    { to: '/records/inspections', label: 'Inspections' },
    { to: '/records/agreements', label: 'Agreements' },
    { to: '/records/licence-checks', label: 'Licence checks' },
  ] as const;
  return (
    <nav className="subnav" aria-label="Records">
      <ul>
        {kinds.map((kind) => (
          <li key={kind.to}>
            <Link to={kind.to} activeProps={{ 'aria-current': 'page' }} activeOptions={{ includeSearch: false }}>
              {kind.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
}

/**
 * A read-only list over the API's cursor: loading, error (problem detail and request id), empty,
 * the table, and the next page on demand.
 */
export function RecordTable<T extends { id: string }>({
  caption,
  query,
  columns,
  empty,
  filtered,
}: {
  caption: string;
  query: UseInfiniteQueryResult<InfiniteData<{ data: T[] }>>;
  columns: Column<T>[];
  empty: string;
  filtered: boolean;
}) {
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.data) ?? [], [query.data]);
  return (
    <>
      {query.isPending && <Loading label={`Loading ${caption.toLowerCase()}…`} />}
      {query.isError && <ProblemPanel error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && rows.length === 0 && <Empty title={filtered ? `No ${caption.toLowerCase()} match these filters` : empty} />}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">
              {caption}, newest first ({rows.length} loaded)
            </caption>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.label} scope="col">
                    {column.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  {columns.map((column) => (
                    <td key={column.label} data-label={column.label}>
                      {column.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {query.hasNextPage && (
        <Button variant="secondary" busy={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          Load more
        </Button>
      )}
    </>
  );
}

/** A filter that narrows the list to one related record, said in words, with a way out. */
export function RelatedFilter({ label, children, onRemove }: { label: string; children: ReactNode; onRemove: () => void }) {
  return (
    <p className="notice related-filter">
      {label} {children}{' '}
      <Button variant="ghost" className="btn-small" onClick={onRemove}>
        Show all
      </Button>
    </p>
  );
}

/** A record page's frame: breadcrumb back to its list, then loading, not found, error or the record. */
export function RecordFrame<T>({
  list,
  noun,
  id,
  query,
  children,
}: {
  list: { to: '/records/vehicles' | '/records/customers' | '/records/inspections' | '/records/agreements' | '/records/licence-checks'; label: string };
  noun: string;
  id: string;
  query: UseQueryResult<T>;
  children: (record: T) => ReactNode;
}) {
  return (
    <section>
      <RecordsNav />
      <p className="breadcrumb">
        <Link to={list.to}>{list.label}</Link> / <code>{id}</code>
      </p>
      {query.isPending && <Loading label={`Loading the ${noun}…`} />}
      {query.isError &&
        (isStatus(query.error, 404, 400) ? (
          <Empty title={`No such ${noun}`}>
            <p>
              There is no {noun} {id} in your company.
            </p>
          </Empty>
        ) : (
          <ProblemPanel error={query.error} onRetry={() => void query.refetch()} />
        ))}
      {query.data !== undefined && children(query.data)}
    </section>
  );
}

/** Facts as a description list; an absent value shows as a dash. */
export function Facts({ facts }: { facts: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {facts.map(([term, value]) => (
        <div key={term} className="fact">
          <dt>{term}</dt>
          <dd>{value === null || value === undefined || value === '' ? '—' : value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A record's PDF shown inline: fetched as a Blob with the bearer token, then framed from a blob:
 * URL (the console's CSP allows frames from blob: and nothing else), with a download link beside it.
 */
export function PdfFrame({ kind, id, version, title, filename }: { kind: 'inspection' | 'agreement'; id: string; version: string; title: string; filename: string }) {
  const pdf = useQuery(pdfQuery(kind, id, version));
  const frame = useRef<HTMLIFrameElement>(null);
  const link = useRef<HTMLAnchorElement>(null);
  // one object URL per shown Blob, released when the Blob changes or the page goes
  useEffect(() => {
    if (!pdf.data || !frame.current || !link.current) return;
    const objectUrl = URL.createObjectURL(pdf.data);
    frame.current.src = objectUrl;
    link.current.href = objectUrl;
    return () => URL.revokeObjectURL(objectUrl);
  }, [pdf.data]);
  return (
    <section className="card" aria-labelledby={`${kind}-pdf-heading`}>
      <h2 id={`${kind}-pdf-heading`}>{title}</h2>
      {pdf.isPending && <Loading label="Loading the PDF…" />}
      {pdf.isError && <ProblemPanel error={pdf.error} onRetry={() => void pdf.refetch()} />}
      {pdf.data && (
        <>
          <iframe ref={frame} className="pdf-frame" title={title} />
          <p>
            <a ref={link} download={filename}>
              Download {filename}
            </a>
          </p>
        </>
      )}
    </section>
  );
}
