// Federate one SPARQL query over an endpoint and a local Turtle file with Comunica; print the rows as JSON.
// Usage: NODE_PATH=node_env/node_modules node tests/comunica_federate.js ENDPOINT FILE QUERY
const fs = require("fs");
const path = require("path");
const { QueryEngine } = require("@comunica/query-sparql");

async function main() {
  const [endpoint, file, query] = process.argv.slice(2);
  const local = {
    type: "serialized",
    value: fs.readFileSync(file, "utf8"),
    mediaType: "text/turtle",
    baseIRI: "file://" + path.resolve(file),
  };
  const engine = new QueryEngine();
  const stream = await engine.queryBindings(query, { sources: [{ type: "sparql", value: endpoint }, local] });
  const rows = (await stream.toArray()).map((b) =>
    Object.fromEntries([...b].map(([variable, term]) => [variable.value, term.value])),
  );
  process.stdout.write(JSON.stringify(rows) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error && error.message ? error.message : error) + "\n");
  process.exit(1);
});
