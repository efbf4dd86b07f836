// The naive baseline — what one builds without this architecture: every purchase is one synchronous
// PostgreSQL transaction (UPDATE … SET stock = stock - 1 WHERE id = $1 AND stock > 0, then the order
// INSERT, then COMMIT), and every buyer of the activity queues on that one row lock until the commit.
// It exists to be measured and taught by `npm run bench`, never used: its own tables (naive_*), created
// at start and dropped at exit; the real `orders` table and the migrations are never touched.
// usage: node loadtest/baselines/naive-server.js [port]   (default 3091; env as the services: .env.example)
const { createSecretKey } = require('node:crypto');
const http = require('node:http');
const { Pool } = require('pg');
const jwt = require('jsonwebtoken');

const env = process.env;
const port = Number(process.argv[2] || 3091);
// A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM public key
// (createPublicKey, which throws) on every verify — ~1 ms of CPU per request on this machine.
const secret = createSecretKey(Buffer.from(env.JWT_SECRET || 'local-dev-jwt-secret-change-me'));
const adminToken = env.ADMIN_TOKEN || 'local-dev-admin-token-change-me';
const pool = new Pool({
  connectionString: env.DATABASE_URL || 'postgres://seckill:seckill@127.0.0.1:5432/seckill',
  max: Number(env.DATABASE_POOL_SIZE || 10), // the same pool as each service gets
});

const SCHEMA = `
  DROP TABLE IF EXISTS naive_orders, naive_activities;
  CREATE TABLE naive_activities (id serial PRIMARY KEY, name text NOT NULL,
    initial_stock integer NOT NULL, stock integer NOT NULL CHECK (stock >= 0));
  CREATE TABLE naive_orders (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    activity_id integer NOT NULL REFERENCES naive_activities (id), user_id varchar(64) NOT NULL,
    quantity integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (activity_id, user_id));`;

/** The whole purchase, synchronously: the row lock taken by the UPDATE is held until COMMIT. */
async function purchase(activityId, userId, quantity) {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const taken = await db.query(
      'UPDATE naive_activities SET stock = stock - $2 WHERE id = $1 AND stock >= $2',
      [activityId, quantity],
    );
    if (taken.rowCount === 0) {
      await db.query('ROLLBACK');
      return [409, { code: 'SOLD_OUT', message: 'sold out' }];
    }
    const order = await db.query(
      'INSERT INTO naive_orders (activity_id, user_id, quantity) VALUES ($1, $2, $3) RETURNING id',
      [activityId, userId, quantity],
    );
    await db.query('COMMIT');
    return [201, { orderId: order.rows[0].id, status: 'CREATED' }];
  } catch (err) {
    await db.query('ROLLBACK').catch(() => {});
    if (err.code === '23505') return [409, { code: 'ALREADY_PURCHASED', message: 'one order per buyer' }];
    throw err;
  } finally {
    db.release();
  }
}

async function route(req, body) {
  const auth = /^Bearer (\S+)$/.exec(req.headers.authorization || '');
  const [, resource, id] = /^\/api\/(activities|seckill)(?:\/(\d+))?$/.exec(req.url) || [];
  if (req.method === 'GET' && req.url === '/health') return [200, { status: 'up' }];
  if (req.method === 'POST' && resource === 'activities' && !id) {
    if (!auth || auth[1] !== adminToken) return [403, { code: 'FORBIDDEN' }];
    const { name, stock } = JSON.parse(body);
    const row = await pool.query(
      'INSERT INTO naive_activities (name, initial_stock, stock) VALUES ($1, $2, $2) RETURNING id',
      [name, stock],
    );
    return [201, { id: row.rows[0].id }];
  }
  if (req.method === 'GET' && resource === 'activities' && id) {
    const row = await pool.query(
      `SELECT a.initial_stock AS "initialStock", a.stock,
              (SELECT coalesce(sum(quantity), 0)::int FROM naive_orders o WHERE o.activity_id = a.id) AS sold
       FROM naive_activities a WHERE a.id = $1`,
      [id],
    );
    return row.rows[0] ? [200, row.rows[0]] : [404, { code: 'NOT_FOUND' }];
  }
  if (req.method === 'POST' && resource === 'seckill' && id) {
    let userId;
    try {
      userId = jwt.verify(auth ? auth[1] : '', secret, { algorithms: ['HS256'] }).sub;
    } catch {
      return [401, { code: 'UNAUTHORIZED' }];
    }
    const quantity = (body && JSON.parse(body).quantity) || 1;
    return purchase(Number(id), userId, quantity);
  }
  return [404, { code: 'NOT_FOUND' }];
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    route(req, body)
      .catch((err) => [500, { code: 'INTERNAL', message: err.message }])
      .then(([status, payload]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      });
  });
});
server.keepAliveTimeout = 65_000;

async function stop() {
  server.close();
  await pool.query('DROP TABLE IF EXISTS naive_orders, naive_activities').catch(() => {});
  await pool.end();
  process.exit(0);
}

pool.query(SCHEMA).then(
  () => server.listen(port, '127.0.0.1', () => console.log(`naive-server: http://127.0.0.1:${port}`)),
  (err) => {
    console.error(`naive-server: ${err.message}`);
    process.exit(1);
  },
);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
