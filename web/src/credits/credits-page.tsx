import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useMemo, useState } from 'react';
import { ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { fieldErrorsOf } from '../api/problems.js';
import { type FieldErrors, withoutEmpty } from '../auth/validation.js';
import { Button } from '../components/Button.js';
import { StackedBars } from '../components/Charts.js';
import { SelectField, TextField } from '../components/Field.js';
import { formatDate, formatDateTime } from '../components/format.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { isRecordType, RecordLink } from '../records/record-links.js';
import { keyListQuery } from '../keys/queries.js';
import { permissionsOf } from '../session/permissions.js';
import { useMe } from '../session/session.js';
import { balanceQuery, creditKeys, type LedgerEntry, type LedgerFilters, ledgerQuery, parseLedgerFilters, type Reason, REASONS } from './queries.js';

const DAYS = 30;

/** Credits spent per UTC day over the last 30 days, from the loaded ledger entries. */
export function spendPerDay(entries: readonly LedgerEntry[], now = Date.now()): { start: string; spent: number }[] {
  const today = Math.floor(now / 86_400_000);
  const days = Array.from({ length: DAYS }, (_, index) => ({ day: today - DAYS + 1 + index, spent: 0 }));
  for (const entry of entries) {
    if (entry.delta >= 0) continue;
    const slot = days[Math.floor(new Date(entry.createdAt).getTime() / 86_400_000) - (today - DAYS + 1)];
    if (slot) slot.spent += -entry.delta;
  }
  return days.map(({ day, spent }) => ({ start: new Date(day * 86_400_000).toISOString(), spent }));
}

export function CreditsPage() {
  const me = useMe();
  const filters = useSearch({ from: '/credits' });
  const navigate = useNavigate({ from: '/credits' });
  const setFilters = (next: LedgerFilters) => void navigate({ search: parseLedgerFilters({ ...filters, ...next }), replace: true });
  const balance = useQuery(balanceQuery);
  const ledger = useInfiniteQuery(ledgerQuery(filters));
  // the chart reads the unfiltered ledger (the same cache as the table when no filter is set)
  const everything = useInfiniteQuery(ledgerQuery({}));
  const entries = useMemo(() => ledger.data?.pages.flatMap((page) => page.data) ?? [], [ledger.data]);
  const spend = spendPerDay(useMemo(() => everything.data?.pages.flatMap((page) => page.data) ?? [], [everything.data]));
  const spentInPeriod = spend.reduce((sum, day) => sum + day.spent, 0);
  const filtered = Boolean(filters.reason || filters.actor);
  return (
    <section>
      <PageHeader title="Credits" />
      <div className="detail-grid">
        <section className="card" aria-labelledby="balance-heading">
          <h2 id="balance-heading">Balance</h2>
          {balance.isPending && <Loading label="Loading the balance…" />}
          {balance.isError && <ProblemPanel error={balance.error} onRetry={() => void balance.refetch()} />}
          {balance.data && (
            <>
              <p className="big-number">{balance.data.balance} credits</p>
              <p className="muted">
                One credit costs {balance.data.unitPrice.amount} {balance.data.unitPrice.currency}. Low-balance warning below {balance.data.lowBalanceThreshold} credits.
              </p>
              {balance.data.balance < balance.data.lowBalanceThreshold && (
                <p className="notice notice-warn">The balance is below the low-balance threshold: credit-spending calls will soon be refused.</p>
              )}
            </>
          )}
        </section>
        {me.role === 'owner' && <TopUpForm />}
      </div>
      <section className="card" aria-labelledby="spend-heading">
        <h2 id="spend-heading">Credits spent per day, last {DAYS} days</h2>
        {everything.isPending && <Loading label="Loading the spending…" />}
        {everything.isError && <ProblemPanel error={everything.error} onRetry={() => void everything.refetch()} />}
        {everything.isSuccess && spentInPeriod === 0 && (
          <Empty title={`No credits spent in the last ${DAYS} days`}>
            <p>Creating an inspection or a rental agreement costs 1 credit; each one shows here on the day it was made.</p>
          </Empty>
        )}
        {everything.isSuccess && spentInPeriod > 0 && (
          <>
            <p className="muted">
              {spentInPeriod} {spentInPeriod === 1 ? 'credit' : 'credits'} spent in the last {DAYS} days{everything.hasNextPage ? ', from the newest ledger entries loaded so far' : ''}.
            </p>
            <StackedBars label="Credits spent per day" series={[{ name: 'credits spent', className: 'seg-credits' }]} buckets={spend.map((day) => ({ start: day.start, values: [day.spent] }))} formatStart={formatDate} />
          </>
        )}
      </section>
      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger</h2>
        <LedgerFilterForm filters={filters} onChange={setFilters} />
        {ledger.isPending && <Loading label="Loading the ledger…" />}
        {ledger.isError && <ProblemPanel error={ledger.error} onRetry={() => void ledger.refetch()} />}
        {ledger.isSuccess && entries.length === 0 && (
          <Empty title={filtered ? 'No ledger entries match these filters' : 'No ledger entries yet'}>
            {filtered && (
              <Button variant="secondary" onClick={() => setFilters({ reason: undefined, actor: undefined })}>
                Show every entry
              </Button>
            )}
          </Empty>
        )}
        {entries.length > 0 && (
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">Ledger entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Change</th>
                  <th scope="col">Balance after</th>
                  <th scope="col">By</th>
                  <th scope="col">Reference</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <td data-label="When">{formatDateTime(entry.createdAt)}</td>
                    <td data-label="Reason">{REASONS[entry.reason]}</td>
                    <td data-label="Change">{entry.delta > 0 ? `+${entry.delta}` : entry.delta}</td>
                    <td data-label="Balance after">{entry.balanceAfter}</td>
                    <td data-label="By">
                      {entry.actor.name}
                      {entry.actor.publicId && <span className="muted"> (key {entry.actor.publicId})</span>}
                    </td>
                    <td data-label="Reference">
                      <LedgerReference entry={entry} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {ledger.hasNextPage && (
          <Button variant="secondary" busy={ledger.isFetchingNextPage} onClick={() => void ledger.fetchNextPage()}>
            Load older entries
          </Button>
        )}
      </section>
    </section>
  );
}

/** Reason and key, applied by the server; a member (who may not list keys) types a key or user ID. */
function LedgerFilterForm({ filters, onChange }: { filters: LedgerFilters; onChange: (next: LedgerFilters) => void }) {
  const can = permissionsOf(useMe().role);
  const keys = useInfiniteQuery({ ...keyListQuery('', 'all'), enabled: can.viewKeys, select: (data) => data.pages.flatMap((page) => page.data) });
  const [actor, setActor] = useState(filters.actor ?? '');
  const known = keys.data?.some((key) => key.publicId === filters.actor);
  return (
    <div role="search" aria-label="Filter the ledger" className="filters">
      <SelectField label="Reason" value={filters.reason ?? ''} onChange={(e) => onChange({ reason: (e.target.value || undefined) as Reason | undefined })}>
        <option value="">Every reason</option>
        {Object.entries(REASONS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      {can.viewKeys ? (
        <SelectField label="Key" value={filters.actor ?? ''} onChange={(e) => onChange({ actor: e.target.value || undefined })}>
          <option value="">Any key or user</option>
          {filters.actor && !known && <option value={filters.actor}>{filters.actor}</option>}
          {keys.data?.map((key) => (
            <option key={key.publicId} value={key.publicId}>
              {key.name} ({key.publicId})
            </option>
          ))}
        </SelectField>
      ) : (
        <TextField
          label="Key ID or user ID"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
          onBlur={() => onChange({ actor: actor.trim() || undefined })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onChange({ actor: actor.trim() || undefined });
          }}
        />
      )}
    </div>
  );
}

/** What an entry was for: the payment of a top-up, or the record a debit paid for, linked to its page. */
function LedgerReference({ entry }: { entry: LedgerEntry }) {
  if (entry.paymentReference) return <>{entry.paymentReference}</>;
  if (!entry.resourceType) return <>—</>;
  const label = `${entry.resourceType === 'inspection' ? 'Inspection' : entry.resourceType === 'agreement' ? 'Agreement' : entry.resourceType} ${entry.resourceId ?? ''}`.trim();
  return isRecordType(entry.resourceType) && entry.resourceId ? (
    <RecordLink type={entry.resourceType} id={entry.resourceId}>
      {label}
    </RecordLink>
  ) : (
    <>{label}</>
  );
}

function TopUpForm() {
  const queryClient = useQueryClient();
  const [credits, setCredits] = useState('');
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  // one Idempotency-Key per intended top-up: a retried click cannot buy twice
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const topUp = useMutation({
    mutationFn: (body: { credits: number; paymentReference: string }) =>
      ok(api.POST('/v1/credits/top-ups', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body })),
    onSuccess: async () => {
      setCredits('');
      setReference('');
      setIdempotencyKey(crypto.randomUUID());
      await queryClient.invalidateQueries({ queryKey: creditKeys.all });
    },
    onError: (error) => setErrors(fieldErrorsOf(error)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = Number(credits);
    const found = withoutEmpty({
      credits: !/^\d+$/.test(credits.trim()) || amount < 1 || amount > 100_000 ? 'Enter a whole number from 1 to 100000.' : undefined,
      paymentReference: reference.trim() === '' ? 'Enter the payment reference.' : undefined,
    });
    setErrors(found);
    if (Object.keys(found).length === 0) topUp.mutate({ credits: amount, paymentReference: reference.trim() });
  };
  return (
    <section className="card" aria-labelledby="topup-heading">
      <h2 id="topup-heading">Top up</h2>
      <form className="form" onSubmit={submit} noValidate aria-label="Top up credits">
        <TextField label="Credits" inputMode="numeric" value={credits} onChange={(e) => setCredits(e.target.value)} error={errors.credits} required />
        <TextField label="Payment reference" value={reference} onChange={(e) => setReference(e.target.value)} error={errors.paymentReference} required />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={topUp.isPending}>
            Add credits
          </Button>
        </div>
        <div role="status">{topUp.isSuccess && <p className="notice notice-ok">Added {topUp.data.delta} credits; the balance is now {topUp.data.balanceAfter}.</p>}</div>
        {topUp.isError && <ProblemPanel error={topUp.error} />}
      </form>
    </section>
  );
}
