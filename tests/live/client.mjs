// Subscribes with the graphql-ws client (the one GraphiQL uses) and prints what happens as JSON
// lines: {"next": …} per result, {"complete": true}, {"error": …}, and {"closed": code, "reason": …}
// when the server closes the socket (the process then exits).
//
// usage: node client.mjs <ws url> <bearer token> <document> [variables as JSON]
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, query, variables = '{}'] = process.argv.slice(2);
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  connectionParams: { Authorization: `Bearer ${token}` },
  on: {
    connected: () => print({ connected: true }),
    closed: (event) => {
      print({ closed: event.code, reason: event.reason });
      process.exit(0);
    },
  },
});

client.subscribe(
  { query, variables: JSON.parse(variables) },
  {
    next: (result) => print({ next: result }),
    error: (error) => print({ error: error?.message ?? String(error) }),
    complete: () => print({ complete: true }),
  },
);
