// (g) Swagger UI at /docs, served by authd under its strict CSP: "Try it out" logs in and then
// logs out against the running server; the CSRF header is filled in from the login answer.
import { scenario, check, newDevice, registerUser, checkNoProblems, screenshotPath, sessionCookie, PASSWORD } from './lib.mjs';

async function tryItOut(page, operationId, body) {
  const op = page.locator('#operations-' + operationId);
  await op.locator('.opblock-summary').first().click();
  await op.getByRole('button', { name: 'Try it out' }).click();
  if (body !== undefined) {
    await op.locator('textarea.body-param__text').fill(JSON.stringify(body));
  }
  await op.getByRole('button', { name: 'Execute' }).click();
  const status = op.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ timeout: 15000 });
  return (await status.textContent()).trim();
}

await scenario('g: Swagger UI at /docs: try it out, CSRF included', async ({ base, browser }) => {
  await registerUser(base, 'grace@example.com');
  const device = await newDevice(browser);
  const page = await device.newPage();
  const response = await page.goto(base + '/docs');
  check(response.status() === 200, '/docs answers 200');
  check(/script-src 'self'/.test(response.headers()['content-security-policy'] || ''), '/docs has a CSP');
  await page.locator('#operations-auth-logIn').waitFor({ timeout: 15000 });
  check(await page.locator('.opblock').count() >= 15, 'every operation of the document is listed');
  await page.screenshot({ path: screenshotPath('swagger-ui.png') });

  const login = await tryItOut(page, 'auth-logIn', { email: 'grace@example.com', password: PASSWORD });
  check(login === '200', 'login through "Try it out" answers 200 (got ' + login + ')');
  const cookie = await sessionCookie(device);
  check(cookie !== undefined, 'the browser keeps the session cookie');

  const logout = await tryItOut(page, 'auth-logOut');
  check(logout === '200', 'logout through "Try it out" answers 200: cookie and X-CSRF-Token sent (got ' + logout + ')');
  check(await sessionCookie(device) === undefined, 'the session cookie is gone from the jar after logout');
  const me = await fetch(base + '/auth/me', { headers: { Cookie: 'session=' + cookie.value } });
  check(me.status === 401, 'the old session is ended server-side');
  checkNoProblems(device, 'Swagger UI');
});
