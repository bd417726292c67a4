// Opens one wsspec HTML report in Debian's headless Chromium (through playwright-core, as
// report_test.mjs does) and checks only that nothing the target injected runs or renders:
// every case expanded, window.__pwned stays undefined, no img/iframe/object/embed/svg/
// textarea element, the report's own script is the only script, no dialog, no request but
// the file itself. With --expect-text S it also checks that S (the injected markup, say) is
// shown as text somewhere, so the check is not passed by a report that dropped the data.
//
//   node markup_check.mjs DIR [--expect-text S]
//
// DIR holds index.html (as written by `wsspec run --out DIR`), tests/targets/hostile_checks.py
// calls it after a run against tests/targets/hostile_server.py.
// Exit status: 0 all checks passed, 1 a check failed, 77 the browser or playwright-core is
// missing (run tests/reports/browser/setup.sh), 2 bad usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const argv = process.argv.slice(2);
let dir, expectText;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--expect-text' && i + 1 < argv.length) expectText = argv[++i];
  else if (!dir) dir = argv[i];
  else dir = undefined, i = argv.length;
}
if (!dir) {
  console.error('usage: node markup_check.mjs DIR [--expect-text S]');
  process.exit(2);
}
const file = path.resolve(dir, 'index.html');
if (!fs.existsSync(file)) {
  console.log(`FAIL ${file} does not exist`);
  process.exit(1);
}

const here = path.dirname(new URL(import.meta.url).pathname);
let chromium;
try {
  chromium = createRequire(path.join(here, 'package.json'))('playwright-core').chromium;
} catch (e) {
  console.log('SKIP: playwright-core is not installed; run tests/reports/browser/setup.sh');
  process.exit(77);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is missing; run tests/reports/browser/setup.sh`);
  process.exit(77);
}

let passed = 0, failed = 0;
function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log(`ok   markup: ${what}`);
  } else {
    failed++;
    console.log(`FAIL markup: ${what}${detail === undefined ? '' : ': ' + JSON.stringify(detail).slice(0, 400)}`);
  }
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsspec-markup-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    offline: true,
  });
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const seen = {requests: [], pageErrors: [], dialogs: []};
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(url, {waitUntil: 'load', timeout: 30000});
  check(await page.evaluate(() => window.__pwned === undefined), 'window.__pwned unset after load');
  // Render everything the target sent: the expand button when the report has one, and every
  // <details> opened either way.
  if (await page.$('#f-expand')) await page.click('#f-expand');
  await page.$$eval('details', (ds) => ds.forEach((d) => { d.open = true; }));
  await page.waitForTimeout(300);
  check(await page.evaluate(() => window.__pwned === undefined), 'window.__pwned unset with every case expanded');
  // The report draws its own charts as inline SVG directly inside a <figure>; any other svg
  // (or an img, iframe, ...) came from the target.
  const foreign = await page.$$eval('img, iframe, object, embed, svg, textarea, frame, frameset, form, base',
    (es) => es.filter((e) => !(e.localName === 'svg' && e.parentElement && e.parentElement.localName === 'figure'))
              .map((e) => e.outerHTML.slice(0, 120)));
  check(foreign.length === 0, 'no injected img/iframe/object/embed/svg/textarea/form/base element', foreign);
  const handlers = await page.$$eval('*', (es) => es.filter((e) =>
    Array.prototype.some.call(e.attributes, (a) => /^on/i.test(a.name))).map((e) => e.outerHTML.slice(0, 120)));
  check(handlers.length === 0, 'no element with an on* event handler attribute', handlers);
  check(await page.$$eval('meta[http-equiv]', (m) => m.length) === 1, "only the report's own http-equiv meta (its CSP)");
  check(await page.$$eval('script', (s) => s.length) === 1, "only the report's own script element",
        await page.$$eval('script', (s) => s.map((e) => e.outerHTML.slice(0, 120))));
  check(seen.dialogs.length === 0, 'no alert/confirm dialog', seen.dialogs);
  check(seen.pageErrors.length === 0, 'no uncaught exception', seen.pageErrors);
  check(seen.requests.every((u) => u === url), 'no request but the file itself', seen.requests);
  if (expectText !== undefined) {
    const text = await page.evaluate(() => document.body.innerText);
    check(text.includes(expectText), `the injected markup is shown as text (${JSON.stringify(expectText)})`);
  }
} catch (e) {
  failed++;
  console.log(`FAIL markup: exception: ${e && e.stack ? e.stack : e}`);
} finally {
  if (context) await context.close();
  fs.rmSync(userDataDir, {recursive: true, force: true});
}
console.log(`markup: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
