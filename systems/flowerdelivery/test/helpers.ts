/** Test helpers of the flowerdelivery service tests (the generic ones live in @bounded/service-kit/testing). */
import { type FakeDependency, fakeDependency } from '@bounded/service-kit/testing';

export type FakePayment = FakeDependency;

/** A stand-in for the payment service, on a real port (order calls it over HTTP). */
export function fakePayment(): Promise<FakePayment> {
  return fakeDependency((body, id) => ({ ...body, id, paymentStatus: 'Paid' }));
}
