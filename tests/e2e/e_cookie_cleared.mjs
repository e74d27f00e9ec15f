// (e) After logout the session cookie is gone from the browser's cookie jar (and the token is dead).
import { scenario, check, newDevice, signIn, registerUser, checkNoProblems, sessionCookie } from './lib.mjs';

await scenario('e: logout removes the session cookie from the browser', async ({ base, browser }) => {
  await registerUser(base, 'ada@example.com');
  for (const remember of [false, true]) {
    const ctx = await newDevice(browser);
    const page = await ctx.newPage();
    await signIn(page, base, 'ada@example.com', undefined, { remember });
    const cookie = await sessionCookie(ctx);
    check(Boolean(cookie), `remember_me=${remember}: the browser holds a session cookie`);
    check(cookie.httpOnly && cookie.sameSite === 'Lax' && cookie.path === '/',
      `remember_me=${remember}: it is HttpOnly, SameSite=Lax, Path=/`);
    check(remember ? cookie.expires > Date.now() / 1000 + 29 * 86400 : cookie.expires === -1,
      `remember_me=${remember}: ${remember ? 'persistent for 30 days' : 'a browser-session cookie'}`);
    check(await page.evaluate(() => document.cookie.includes('session=')) === false,
      `remember_me=${remember}: page scripts cannot read it`);

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL(/\/ui\/index\.html\?m=loggedOut$/);
    check(!(await sessionCookie(ctx)), `remember_me=${remember}: after logout the cookie is gone from the jar`);
    const r = await fetch(base + '/auth/me', { headers: { Cookie: 'session=' + cookie.value } });
    check(r.status === 401, `remember_me=${remember}: the logged-out token gets 401`);
    await page.goto(base + '/ui/account.html');
    await page.waitForURL(/\/ui\/index\.html$/);
    check(true, `remember_me=${remember}: account.html now redirects to sign-in`);
    checkNoProblems(ctx, 'logout');
  }
});
