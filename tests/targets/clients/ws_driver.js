// Autobahn-style test driver for the npm `ws` client against `wsspec serve-cases`: the loop
// that client projects run against Autobahn's fuzzingserver, so it tests serve-cases' URL
// protocol as well as the client.
//
//   node ws_driver.js [--ws-dir DIR] [--agent NAME] URL
//
// URL is serve-cases' base URL (ws://127.0.0.1:PORT/). getCaseCount, then runCase for every
// case in order (echo each message with its opcode, wait for the connection to end), then
// updateReports. Without --ws-dir, `ws` is the one pinned in ../package.json; with it, the
// `ws` under DIR/node_modules (tests/targets/ws-latest). Exit code: 0 when the protocol
// worked (the verdicts are serve-cases' business), 1 when an endpoint did not answer.
'use strict';
const path = require('path');

const args = process.argv.slice(2);
let wsDir = null;
let agent = null;
while (args.length > 1 && args[0].startsWith('--')) {
  if (args[0] === '--ws-dir') wsDir = path.resolve(args[1]);
  else if (args[0] === '--agent') agent = args[1];
  else {
    console.error(`ws_driver: unknown option ${args[0]}`);
    process.exit(2);
  }
  args.splice(0, 2);
}
if (args.length !== 1) {
  console.error('usage: node ws_driver.js [--ws-dir DIR] [--agent NAME] URL');
  process.exit(2);
}
const wsPath = wsDir ? require.resolve('ws', { paths: [wsDir] }) : require.resolve('ws', { paths: [path.join(__dirname, '..')] });
const { WebSocket } = require(wsPath);
const version = require(path.join(path.dirname(wsPath), 'package.json')).version;
const base = args[0].endsWith('/') ? args[0] : args[0] + '/';
agent = agent || `ws-${version}`;

// No compression offer (the client cases without compression); 64 MiB messages so the
// 16 MiB cases fit.
const options = { perMessageDeflate: false, maxPayload: 64 << 20 };

// One endpoint connection that returns the first text message (or null) once it has closed.
function ask(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    let answer = null;
    ws.on('message', (data) => { if (answer === null) answer = data.toString(); });
    ws.on('error', reject);
    ws.on('close', () => resolve(answer));
  });
}

// One case: echo everything; the case ends when the connection does, however it ends (that
// is what the case judges, not the driver).
function runCase(n) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base}runCase?case=${n}&agent=${encodeURIComponent(agent)}`, options);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
    ws.on('close', resolve);
  });
}

(async () => {
  const count = Number(await ask(`${base}getCaseCount`));
  if (!Number.isInteger(count) || count < 1) throw new Error(`getCaseCount answered ${count}`);
  console.log(`ws_driver: ws ${version}, agent ${agent}, ${count} cases`);
  for (let n = 1; n <= count; n++) await runCase(n);
  await ask(`${base}updateReports?agent=${encodeURIComponent(agent)}`);
})().catch((e) => {
  console.error(`ws_driver: ${e.message || e}`);
  process.exit(1);
});
