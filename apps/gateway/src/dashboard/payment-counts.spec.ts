import { paymentCounts } from './payment-counts';

describe('the dashboard’s payment counts', () => {
  it('when payments were kept, paid late, paid twice and refunded, then each is counted where it belongs', () => {
    const counts = paymentCounts([
      { status: 'CREATED', refund_reason: null, count: '7' },
      { status: 'FAILED', refund_reason: null, count: '2' },
      { status: 'CAPTURED', refund_reason: null, count: '40' },
      { status: 'REFUND_PENDING', refund_reason: 'ORDER_NOT_PAYABLE', count: '3' },
      { status: 'REFUNDED', refund_reason: 'ORDER_NOT_PAYABLE', count: '10' },
      { status: 'REFUNDED', refund_reason: 'ALREADY_PAID', count: '4' },
    ]);
    expect(counts).toEqual({ captured: 57, late: 13, refundPending: 3, refunded: 14 });
  });

  it('when nobody paid yet, then every count is 0', () => {
    expect(paymentCounts([])).toEqual({ captured: 0, late: 0, refundPending: 0, refunded: 0 });
  });
});
