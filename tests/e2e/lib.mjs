// Shared helpers of the browser end-to-end tests: start the real authd binary, launch headless
// Chromium through playwright-core, and small assertions. No test framework: each scenario is a
// script that exits 0 on success and non-zero on the first failed check.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE ||
  path.join(repoRoot, 'tools', 'js', 'node_modules', 'playwright-core'));

// The CSP the UI is served with (README of web/ui); enforced here even if a response lacks it,
// so every test proves the UI works without inline code or styles.
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const PASSWORD = 'correct horse battery';

let failures = 0;
export function check(cond, what) {
  if (cond) {
    console.log('  ok   ' + what);
  } else {
    failures++;
    console.log('  FAIL ' + what);
    throw new Error('check failed: ' + what);
  }
}

export function screenshotPath(name) {
  const dir = process.env.E2E_SCREENSHOT_DIR || path.join(repoRoot, 'docs', 'img');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

// Starts authd on a free port with a fresh database. Resolves to {base, port, stop()}.
export async function startAuthd(extraArgs = []) {
  const bin = process.env.AUTHD_BIN || process.argv[2];
  if (!bin || !existsSync(bin)) throw new Error('usage: node <test>.mjs AUTHD_BIN (or set AUTHD_BIN)');
  const dir = mkdtempSync(path.join(tmpdir(), 'authd-e2e-'));
  const args = ['--listen', '127.0.0.1:0', '--db', path.join(dir, 'authd.db'), '--insecure-cookies',
    '--log-level', 'warn', ...extraArgs];
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('authd did not start in 15 s\n' + stderr)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error('authd exited with ' + code + '\n' + stderr)); });
  });
  proc.stdout.resume();
  let base = 'http://127.0.0.1:' + port;
  let proxy = null;
  if (process.env.E2E_SERVE_UI) {
    // Development only: serve web/ui ourselves (for an authd that does not serve /ui/ yet).
    proxy = await serveUi(port);
    base = 'http://127.0.0.1:' + proxy.address().port;
  }
  const stop = async () => {
    if (proxy) proxy.close();
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, port, stop, stderr: () => stderr };
}

function serveUi(authdPort) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8' };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/ui') { res.writeHead(301, { Location: '/ui/' }); res.end(); return; }
    if (url.pathname.startsWith('/ui/')) {
      const name = url.pathname.slice(4) || 'index.html';
      const file = path.join(repoRoot, 'web', 'ui', path.basename(name));
      if (!existsSync(file)) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
      res.end(readFileSync(file));
      return;
    }
    const up = httpRequest({ host: '127.0.0.1', port: authdPort, method: req.method, path: req.url,
      headers: req.headers }, (r) => { res.writeHead(r.statusCode, r.rawHeaders); r.pipe(res); });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A browser context (one "device") whose pages are watched for CSP violations and script errors.
export async function newDevice(browser, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 760 }, ...options });
  const problems = [];
  context.cspHeaderSeen = false;
  await context.route((url) => url.pathname.startsWith('/ui'), async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const headers = response.headers();
    if (headers['content-security-policy']) context.cspHeaderSeen = true;
    else headers['content-security-policy'] = CSP;
    await route.fulfill({ response, headers });
  });
  context.on('page', (page) => watch(page, problems));
  context.problems = problems;
  return context;
}

function watch(page, problems) {
  page.on('pageerror', (e) => problems.push('script error: ' + e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push('CSP: ' + m.text());
  });
}

export function checkNoProblems(context, what) {
  check(context.problems.length === 0, 'no CSP violations or script errors (' + what + ')' +
    (context.problems.length ? ': ' + context.problems.join(' | ') : ''));
}

// Registers a user through the API (not the UI), for tests about other things.
export async function registerUser(base, email, password = PASSWORD) {
  const res = await fetch(base + '/auth/register', { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 201) throw new Error('register ' + email + ': HTTP ' + res.status + ' ' + await res.text());
}

// Signs in through the sign-in page and waits for the account page to be loaded.
export async function signIn(page, base, email, password = PASSWORD, { remember = false } = {}) {
  await page.goto(base + '/ui/index.html');
  await page.getByLabel(/^(Email|E-mail)$/).fill(email);
  await page.getByLabel(/^(Password|Hasło)$/).fill(password);
  if (remember) await page.getByLabel(/Remember me|Zapamiętaj/).check();
  await page.getByRole('button', { name: /^(Sign in|Zaloguj się)$/ }).click();
  await page.waitForURL(/\/ui\/account\.html$/);
  await accountLoaded(page);
}

export async function accountLoaded(page) {
  await page.locator('main[aria-busy="false"]').waitFor({ timeout: 10000 });
}

export async function sessionCookie(context, name = 'session') {
  return (await context.cookies()).find((c) => c.name === name);
}

// Runs one scenario: starts authd and Chromium, runs fn, always cleans up.
export async function scenario(title, fn, authdArgs = []) {
  console.log('# ' + title);
  const authd = await startAuthd(authdArgs);
  const browser = await launchBrowser();
  let ok = false;
  try {
    await fn({ base: authd.base, browser, authd });
    ok = failures === 0;
  } catch (e) {
    console.log('  ERROR ' + (e && e.stack ? e.stack : e));
    const log = authd.stderr();
    if (log) console.log('  authd stderr (last 2000 chars):\n' + log.slice(-2000));
  } finally {
    await browser.close().catch(() => {});
    await authd.stop();
  }
  console.log(ok ? 'PASS ' + title : 'FAIL ' + title);
  process.exitCode = ok ? 0 : 1;
}
