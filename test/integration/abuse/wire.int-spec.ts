import { AddressInfo, connect } from 'node:net';
import { AbuseHarness, REFUSED, Refusal, Service } from '../../support/abuse-harness';

// What only a real socket can send: Node's HTTP parser sees these before Fastify or any route does.
const h = new AbuseHarness('wire');
const ports: Record<Service, number> = { gateway: 0, orders: 0 };
beforeAll(async () => {
  await h.start();
  for (const service of ['gateway', 'orders'] as const) {
    const app = service === 'gateway' ? h.gateway : h.orders;
    await app.listen(0, '127.0.0.1');
    ports[service] = (app.getHttpServer().address() as AddressInfo).port;
  }
}, 60_000);
afterAll(() => h.stop());

interface RawReply {
  status: number;
  head: string;
  contentType: string;
  body: string;
}

/** Writes `request` byte for byte and reads until the server closes the connection. */
function send(service: Service, request: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(ports[service], '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may answer and close while a large request is still being written (a reset here).
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...body] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      if (!status) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const contentType = /^content-type: *(.*)$/im.exec(head)?.[1] ?? '';
      resolve({ status, head, contentType, body: body.join('\r\n\r\n') });
    });
    socket.end(request, 'latin1');
  });
}

const get = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`;
const post = (path: string, body: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n` +
  `Connection: close\r\n\r\n${body}`;

const { BAD } = REFUSED;
// prettier-ignore
const cases: { name: string; service: Service; request: () => string; expected: Refusal }[] = [
  { name: '20 kB of headers', service: 'gateway', request: () => get('/api/activities/1', `X-Pad: ${'a'.repeat(20_000)}\r\n`), expected: { status: 431, code: 'HEADERS_TOO_LARGE' } },
  { name: '20 kB of headers (order-service)', service: 'orders', request: () => get('/health', `Cookie: ${'a=b; '.repeat(5_000)}\r\n`), expected: { status: 431, code: 'HEADERS_TOO_LARGE' } },
  { name: 'a 20 kB URL', service: 'gateway', request: () => get(`/api/activities/${'1'.repeat(20_000)}`), expected: { status: 431, code: 'HEADERS_TOO_LARGE' } },
  { name: 'a request line that is not HTTP', service: 'gateway', request: () => 'GARBAGE\r\n\r\n', expected: BAD },
  { name: 'an HTTP/2 preface', service: 'gateway', request: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', expected: BAD },
  { name: 'a header name with a space', service: 'gateway', request: () => get('/health/live', 'Bad Header: x\r\n'), expected: BAD },
  { name: 'a NUL in a header value', service: 'gateway', request: () => get('/health/live', 'X-A: a\u0000b\r\n'), expected: BAD },
  { name: 'a raw NUL in the path', service: 'gateway', request: () => get('/api/activities/1\u0000'), expected: BAD },
  { name: 'a raw space in the path', service: 'orders', request: () => get('/api/orders/a b'), expected: BAD },
  { name: 'a Content-Length that is not a number', service: 'gateway', request: () => `POST /api/activities HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}`, expected: BAD },
  { name: 'both Content-Length and chunked (request smuggling)', service: 'gateway', request: () => post('/api/activities', '0\r\n\r\n', 'Transfer-Encoding: chunked\r\n'), expected: BAD },
  { name: 'two different Content-Lengths', service: 'orders', request: () => post('/api/orders/x/pay', '{}', 'Content-Length: 5\r\n'), expected: BAD },
  { name: 'a bad %-escape in an id', service: 'gateway', request: () => get('/api/activities/%ff'), expected: { status: 400, code: 'VALIDATION_FAILED' } },
  { name: 'an overlong UTF-8 dot in an order id', service: 'orders', request: () => get('/api/orders/%C0%AE%C0%AE', `Authorization: ${h.bearer(h.alice)}\r\n`), expected: { status: 400, code: 'VALIDATION_FAILED' } },
  { name: 'a path climbing out of the API', service: 'gateway', request: () => get('/api/activities/../../../etc/passwd'), expected: { status: 404, code: 'NOT_FOUND' } },
  { name: 'a 17 kB purchase body', service: 'gateway', request: () => post(`/api/seckill/${h.activityId}`, JSON.stringify({ quantity: 1, pad: 'x'.repeat(17_000) }), `Authorization: ${h.bearer(h.freshUser())}\r\nContent-Type: application/json\r\n`), expected: { status: 413, code: 'PAYLOAD_TOO_LARGE' } },
  { name: 'a text/plain payment body', service: 'orders', request: () => post(`/api/orders/${h.aliceOrderId}/pay`, 'pay', `Authorization: ${h.bearer(h.alice)}\r\nContent-Type: text/plain\r\n`), expected: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } },
];

describe('abuse: over a real socket', () => {
  it.each(cases)(
    'when the request has $name, then it is $expected.status $expected.code in the common shape and nothing changes',
    async ({ service, request, expected }) => {
      const before = await h.snapshot();
      const reply = await send(service, request());
      h.tally.record(reply.status);
      expect(reply.contentType).toMatch(/^application\/json/);
      const body = JSON.parse(reply.body);
      expect({ status: reply.status, code: body.code }).toEqual(expected);
      expect(Object.keys(body).sort()).toEqual(expect.arrayContaining(['code', 'message']));
      expect(await h.snapshot()).toEqual(before);
    },
  );

  it('when a caller sends a hostile correlation id, then the answer carries a fresh one and nothing smuggled', async () => {
    for (const id of [
      "x'; DROP TABLE orders; --",
      'a'.repeat(5_000),
      '<script>',
      'id\r\nSet-Cookie: pwned=1',
    ]) {
      const reply = await send('gateway', get('/health/live', `X-Correlation-Id: ${id}\r\n`));
      // Kept only when short and plain (it goes into every log line); the CRLF case is the plain "id".
      expect(reply.head).toMatch(/^x-correlation-id: ([0-9a-f-]{36}|id)\r?$/im);
      expect(reply.head).not.toMatch(/pwned|set-cookie|DROP|aaaa|script/i);
    }
  });
});
