// (a) Sign up, sign in, the account page shows the user.
import { scenario, check, newDevice, signIn, accountLoaded, checkNoProblems, screenshotPath, PASSWORD } from './lib.mjs';

await scenario('a: sign up, sign in, account page shows the user', async ({ base, browser }) => {
  const ctx = await newDevice(browser);
  const page = await ctx.newPage();

  // /ui redirects to /ui/, which is the sign-in page
  const first = await page.goto(base + '/ui');
  check(new URL(page.url()).pathname === '/ui/', 'GET /ui lands on /ui/ (' + page.url() + ')');
  check(first.status() === 200, '/ui/ answers 200');
  check(/text\/html/.test(first.headers()['content-type'] || ''), '/ui/ is text/html');
  check(await page.getByRole('heading', { name: 'Sign in' }).isVisible(), '/ui/ shows the sign-in form');
  check(await page.locator('html').getAttribute('lang') === 'en', '<html lang="en"> for an English browser');
  await page.screenshot({ path: screenshotPath('sign-in.png') });

  // sign-up page, via the link
  await page.getByRole('link', { name: 'Sign up' }).click();
  await page.waitForURL(/\/ui\/register\.html$/);
  await page.getByLabel('Email').fill('Ada@Example.com');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill(PASSWORD + 'x');
  await page.getByRole('button', { name: 'Create account' }).click();
  check(await page.getByRole('alert').textContent() === 'The passwords do not match.',
    'mismatched repeat password is caught before sending');
  await page.reload();
  await page.getByLabel('Email').fill('Ada@Example.com');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill(PASSWORD);
  await page.screenshot({ path: screenshotPath('sign-up.png') });
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/ui\/account\.html$/);
  await accountLoaded(page);
  check(await page.locator('#user-email').textContent() === 'ada@example.com',
    'after sign-up the account page shows the (normalized) email');

  // signing up twice shows the contract's EMAIL_TAKEN message
  const other = await newDevice(browser);
  const p2 = await other.newPage();
  await p2.goto(base + '/ui/register.html');
  await p2.getByLabel('Email').fill('ada@example.com');
  await p2.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await p2.getByLabel('Repeat password').fill(PASSWORD);
  await p2.getByRole('button', { name: 'Create account' }).click();
  await p2.getByRole('alert').waitFor();
  check((await p2.getByRole('alert').textContent()).includes('This email is already registered.'),
    'a taken email shows EMAIL_TAKEN\'s message');
  // too short a password: VALIDATION_ERROR's message
  await p2.getByLabel('Email').fill('bob@example.com');
  await p2.getByLabel('Password', { exact: true }).fill('short');
  await p2.getByLabel('Repeat password').fill('short');
  await p2.getByRole('button', { name: 'Create account' }).click();
  await p2.getByText('The request is not valid.').waitFor();
  check(true, 'a too-short password shows VALIDATION_ERROR\'s message');

  // log out, then sign in through the form
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.waitForURL(/\/ui\/index\.html\?m=loggedOut$/);
  check(await page.getByRole('status').textContent() === 'You have been logged out.', 'logout notice shown');
  await signIn(page, base, 'ada@example.com');
  check(await page.locator('#user-email').textContent() === 'ada@example.com', 'after sign-in the account page shows the user');
  check(await page.locator('#user-role').textContent() === 'user', 'the role is shown');

  // ?next= (set by the nginx forward-auth redirect): back to that page after signing in, but only
  // to a path on this origin
  for (const [next, expected] of [['/ui/account.html?from=next', '/ui/account.html?from=next'],
    ['//evil.example/x', '/ui/account.html'], ['https://evil.example/', '/ui/account.html']]) {
    const c = await newDevice(browser);
    const p = await c.newPage();
    await p.goto(base + '/ui/?next=' + next);
    await p.getByLabel('Email').fill('ada@example.com');
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((u) => u.pathname === '/ui/account.html');
    const u = new URL(p.url());
    check(u.pathname + u.search === expected, 'sign-in with ?next=' + next + ' goes on to ' + expected);
    await c.close();
  }

  // the sign-in page of a signed-in browser goes on to the account page
  await page.goto(base + '/ui/index.html');
  await page.waitForURL(/\/ui\/account\.html$/);
  check(true, 'sign-in page forwards a signed-in browser to account.html');

  // the static files carry their types
  for (const [file, type] of [['app.js', /javascript/], ['app.css', /text\/css/], ['register.html', /text\/html/]]) {
    const r = await page.request.get(base + '/ui/' + file);
    check(r.status() === 200 && type.test(r.headers()['content-type'] || ''), '/ui/' + file + ' served as ' + r.headers()['content-type']);
  }
  if (!ctx.cspHeaderSeen) console.log('  note: /ui/ responses carry no Content-Security-Policy header; the test added it');
  checkNoProblems(ctx, 'sign-up and sign-in pages');
  checkNoProblems(other, 'second browser');
});
