// Opens the GraphiQL page in headless Chromium (Debian's, driven by playwright-core), runs the
// document it opens with, and prints {result, problems} as JSON: the result pane's text and
// every console error, failed request or page error (a refused script, a wrong integrity hash).
// Saves a screenshot of the page with its result.
//
// usage: node graphiql.mjs http://HOST:PORT/graphql SCREENSHOT.png
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request: ${request.url()} ${request.failure()?.errorText}`));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30000 });
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => (document.querySelector('.result-window')?.textContent ?? '').includes('"data"'),
    null,
    { timeout: 30000 },
  );
  const result = await page.$eval('.result-window', (element) => element.textContent);
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ result, problems }));
} catch (error) {
  console.log(JSON.stringify({ result: null, problems: [...problems, `driver: ${error.message}`] }));
} finally {
  await browser.close();
}
