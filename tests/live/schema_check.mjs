// Loads the served schema as schema tools do (graphql-js's standard introspection query, then
// buildClientSchema) and compares it with an SDL file both ways with findBreakingChanges and
// findDangerousChanges. Prints one JSON object: {types, breaking: [...], dangerous: [...]}.
//
// usage: node schema_check.mjs http://HOST:PORT/graphql path/to/schema.graphql
import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  getIntrospectionQuery,
} from 'graphql';

const [url, sdlPath] = process.argv.slice(2);
const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }) }),
});
const result = await response.json();
if (!result.data) {
  console.log(JSON.stringify({ status: response.status, errors: result.errors }));
  process.exit(1);
}
const served = buildClientSchema(result.data);
const declared = buildSchema(readFileSync(sdlPath, 'utf8'));
const describe = (direction) => (change) => `${direction}: ${change.type}: ${change.description}`;
console.log(
  JSON.stringify({
    types: Object.keys(served.getTypeMap()).length,
    breaking: [
      ...findBreakingChanges(declared, served).map(describe('declared -> served')),
      ...findBreakingChanges(served, declared).map(describe('served -> declared')),
    ],
    dangerous: [
      ...findDangerousChanges(declared, served).map(describe('declared -> served')),
      ...findDangerousChanges(served, declared).map(describe('served -> declared')),
    ],
  }),
);
