// Opens N graphql-ws connections (the client GraphiQL uses) to one gateway, each subscribed to
// orderEvents of one store, prints "ready" once all are acknowledged, then records for every
// event at every subscriber the time from its commit (occurredAt) to its receipt. After EXPECT
// events per subscriber, or on SIGTERM, prints "received=<n> expected=<n> p50=<ms> p99=<ms> max=<ms>".
//
// usage: NODE_PATH=tests/live/node_modules node bench/subscribers.cjs WS_URL TOKEN STORE N EXPECT
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const [url, token, store, count, expect] = process.argv.slice(2);
const n = Number(count), perSubscriber = Number(expect);
const query = 'subscription($s: UUID!) { orderEvents(storeId: $s) { type occurredAt order { id } } }';
const latencies = [];
let ready = 0, done = 0;

function report() {
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] : NaN);
  console.log(`received=${latencies.length} expected=${n * perSubscriber} p50=${at(0.5).toFixed(1)} p99=${at(0.99).toFixed(1)} max=${at(1).toFixed(1)}`);
  process.exit(0);
}
process.on('SIGTERM', report);

for (let i = 0; i < n; i++) {
  let seen = 0;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: { Authorization: `Bearer ${token}` },
    on: { connected: () => { if (++ready === n) console.log('ready'); } },
  });
  client.subscribe({ query, variables: { s: store } }, {
    next: (result) => {
      const event = result.data && result.data.orderEvents;
      if (!event) { console.error(JSON.stringify(result)); return; }
      latencies.push(Date.now() - Date.parse(event.occurredAt));
      if (++seen === perSubscriber && ++done === n) report();
    },
    error: (error) => console.error('subscription error', error && (error.reason || error.message || error)),
    complete: () => {},
  });
}
