/**
 * cleaning under chaos (`npm run chaos -- --system cleaning`): customers request cleanings and
 * cancel them, the two development cleaners complete what they are assigned. At the end every
 * accepted request exists once, registered once and decided once (one assignment, or none free);
 * no cleaner holds two live assignments nor is Busy with none; the customer was told each outcome
 * exactly once; and the history equals the request.
 */
import {
  byColumn,
  type ChaosClient,
  type ChaosScenario,
  type Databases,
  Findings,
  type Json,
  type Ledger,
} from '@bounded/runner/chaos';

const CUSTOMERS = ['customer1', 'customer2'];
const CLEANERS = ['cleaner1', 'cleaner2'];
/**
 * The assignment's possible statuses for each final status of the request. A cancel accepted while
 * the request was still Requested may cross cleanassign's "none free": nobody was held, and the
 * request stays Cancelled (statuses only move forward).
 */
const ASSIGNMENT_OF: Record<string, readonly string[]> = {
  Confirmed: ['Assigned'],
  NoCleanerAvailable: ['NoCleanerAvailable'],
  Cancelled: ['Cancelled', 'NoCleanerAvailable'],
  Completed: ['Completed'],
};
/** Statuses in which the request, its history and its assignment all name the cleaner. */
const WITH_CLEANER = new Set(['Confirmed', 'Completed']);

async function request(client: ChaosClient): Promise<void> {
  await client.send({
    kind: 'request',
    who: client.random.pick(CUSTOMERS)!,
    method: 'POST',
    path: '/cleancalls',
    body: { tel: '01023221353', location: 'seoul', cost: 200000 },
  });
}

async function cancel(client: ChaosClient): Promise<void> {
  const { ledger } = client;
  const over = new Set([...ledger.subjects('cancel', 'accepted'), ...ledger.subjects('cancel', 'refused')]);
  const call = client.random.pick(ledger.of('request', 'accepted').filter((o) => !over.has(o.subject!)));
  if (!call) return request(client);
  await client.send({
    kind: 'cancel',
    who: call.who,
    method: 'DELETE',
    path: `/cleancalls/${call.subject}`,
    subject: call.subject,
  });
}

/** A cleaner completes one of their live assignments (the assignment's id is the request's). */
async function complete(client: ChaosClient): Promise<void> {
  const cleaner = client.random.pick(CLEANERS)!;
  const list = await client.read(cleaner, '/cleanassigns?status=Assigned');
  const assignment = client.random.pick((list?._embedded?.cleanassigns ?? []) as Json[]);
  if (!assignment) return request(client);
  await client.send({
    kind: 'complete',
    who: cleaner,
    method: 'POST',
    path: `/cleanassigns/${assignment.id}/complete`,
    subject: assignment.id,
  });
}

interface Tables {
  calls: Json[];
  manages: Json[];
  assigns: Json[];
  cleaners: Json[];
  histories: Json[];
  notices: Json[];
}

function read(db: Databases): Tables {
  return {
    calls: db.all('cleancall', 'select id, customerId, status, cleanerName from clean_calls'),
    manages: db.all('cleanmanage', 'select orderId, status from clean_manages'),
    assigns: db.all('cleanassign', 'select id, orderId, status, cleanerId, cleanerName from clean_assigns'),
    cleaners: db.all('cleanassign', 'select id, status from cleaners'),
    histories: db.all('customer', 'select orderId, customerId, status, cleanerName from cleaning_histories'),
    notices: db.all('customer', 'select orderId, kind, status from notifications'),
  };
}

function check(db: Databases, ledger: Ledger): Findings['list'] {
  const t = read(db);
  const found = new Findings();
  found.unique('registrations per request', t.manages, 'orderId');
  found.unique('assignments per request', t.assigns, 'orderId');
  found.unique('histories per request', t.histories, 'orderId');
  found.unique(
    'messages per request and kind',
    t.notices.map((n) => ({ key: `${n.orderId}-${n.kind}` })),
    'key',
  );
  found.notMoreThanTried(ledger, 'request', t.calls, { saved: 'requests saved', tried: 'sent' });
  checkAccepted(found, t, ledger);
  checkRequests(found, t);
  checkPool(found, t);
  return found.list;
}

function checkAccepted(found: Findings, t: Tables, ledger: Ledger): void {
  const calls = byColumn(t.calls, 'id');
  const assigns = byColumn(t.assigns, 'orderId');
  found.effects(
    ledger,
    { kind: 'request', rows: calls, what: 'request', answered: 201 },
    // A cancel and a completion that cross end Completed (README): both are the cancel's effect.
    {
      kind: 'cancel',
      rows: calls,
      what: 'cancel of request',
      answered: 204,
      field: 'status',
      states: ['Cancelled', 'Completed'],
      row: 'the request',
    },
    {
      kind: 'complete',
      rows: assigns,
      what: 'completion of',
      answered: 200,
      field: 'status',
      states: ['Completed'],
      row: 'the assignment',
    },
  );
}

/** Request, registration, assignment, history and messages agree on each request's outcome. */
function checkRequests(found: Findings, t: Tables): void {
  const manages = byColumn(t.manages, 'orderId');
  const assigns = byColumn(t.assigns, 'orderId');
  const histories = byColumn(t.histories, 'orderId');
  const calls = byColumn(t.calls, 'id');
  const told = new Set(t.notices.map((n) => `${n.orderId}-${n.kind}`));
  for (const call of t.calls) {
    const says = (kind: 'lost' | 'saga' | 'view', what: string) =>
      found.add(kind, `request ${call.id} (${call.status}): ${what}`);
    const manage = manages.get(call.id);
    const assign = assigns.get(call.id);
    const history = histories.get(call.id);
    if (!manage) says('lost', 'never registered');
    else if (manage.status !== call.status) says('saga', `operations has it ${manage.status}`);
    if (call.status === 'Requested') says('lost', 'never decided (no assignment, none free, nor cancel)');
    else if (!assign) says('lost', 'has no assignment row');
    else if (!ASSIGNMENT_OF[call.status].includes(assign.status))
      says('saga', `its assignment is ${assign.status}`);
    if (WITH_CLEANER.has(call.status) && call.cleanerName !== assign?.cleanerName)
      says('saga', `names cleaner ${call.cleanerName}, its assignment ${assign?.cleanerName}`);
    if (call.status !== 'Requested' && !told.has(`${call.id}-${call.status}`))
      says('lost', 'the customer was never told');
    if (!history) says('view', 'has no history row');
    else if (
      history.status !== call.status ||
      history.customerId !== call.customerId ||
      (WITH_CLEANER.has(call.status) && history.cleanerName !== call.cleanerName)
    )
      says(
        'view',
        `its history is ${history.status} (cleaner ${history.cleanerName}, customer ${history.customerId}), ` +
          `the request's (cleaner ${call.cleanerName}, customer ${call.customerId})`,
      );
  }
  for (const manage of t.manages)
    if (!calls.has(manage.orderId) && manage.status !== 'Withdrawn')
      found.add(
        'saga',
        `registration of request ${manage.orderId} is ${manage.status} but the request was never saved (not withdrawn)`,
      );
  for (const notice of t.notices)
    if (notice.status !== 'Sent')
      found.add('lost', `message ${notice.orderId}-${notice.kind} is still ${notice.status}`);
}

/** Each cleaner is Busy with exactly one live assignment, or Idle with none. */
function checkPool(found: Findings, t: Tables): void {
  const live = t.assigns.filter((a) => a.status === 'Assigned');
  found.unique('live assignments per cleaner', live, 'cleanerId');
  const busy = new Set(live.map((a) => a.cleanerId));
  for (const cleaner of t.cleaners)
    if ((cleaner.status === 'Busy') !== busy.has(cleaner.id))
      found.add(
        'saga',
        `cleaner ${cleaner.id} is ${cleaner.status} with ${busy.has(cleaner.id) ? 'a' : 'no'} live assignment`,
      );
}

export const chaos: ChaosScenario = {
  users: [...CUSTOMERS, ...CLEANERS],
  async step(client) {
    const action = client.random.weighted({ request: 3, cancel: 2, complete: 2 });
    await (action === 'request' ? request(client) : action === 'cancel' ? cancel(client) : complete(client));
  },
  check,
};
