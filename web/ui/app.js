// authd web UI: sign in, sign up, account (devices, logout, password change).
// Plain browser JavaScript, no framework, no build step. Served from /ui/ on the same origin as
// the API (/auth/...), under a CSP without 'unsafe-inline': no inline code or styles anywhere.
'use strict';

(() => {
  const API = '../auth/'; // relative to /ui/, so the UI keeps working under a path prefix

  // ---- language ----------------------------------------------------------------------------
  // The browser's first preferred language is what it puts first in Accept-Language, which is
  // what authd uses to pick the language of error messages; the page follows the same choice.
  const preferred = ((navigator.languages && navigator.languages[0]) || navigator.language || 'en').toLowerCase();
  const lang = preferred === 'pl' || preferred.startsWith('pl-') ? 'pl' : 'en';

  const EN = {
    titleLogin: 'Sign in', titleRegister: 'Sign up', titleAccount: 'Your account',
    thisDevice: 'This device', logOutDevice: 'Log out', logOutDeviceLabel: 'Log out {device}',
    passwordsDiffer: 'The passwords do not match.',
    networkError: 'The server cannot be reached. Please try again.',
    unexpected: 'Unexpected answer from the server (HTTP {status}).',
    loggedOut: 'You have been logged out.',
    loggedOutAll: 'You have been logged out on all devices.',
    deviceLoggedOut: 'The device has been logged out.',
    othersEnded: 'Other devices logged out: {n}.',
    passwordChanged: 'Password changed. Other devices logged out: {n}.',
    unknownDevice: 'Unknown device', unknown: 'unknown',
    ip: 'IP address', lastSeen: 'Last seen', signedIn: 'Signed in',
  };
  const PL = {
    titleLogin: 'Logowanie', titleRegister: 'Rejestracja', titleAccount: 'Twoje konto',
    signIn: 'Zaloguj się', signUp: 'Zarejestruj się', email: 'E-mail', password: 'Hasło',
    rememberMe: 'Zapamiętaj mnie na 30 dni', noAccount: 'Nie masz konta?',
    haveAccount: 'Masz już konto?', passwordHint: 'Co najmniej 8 znaków.',
    repeatPassword: 'Powtórz hasło', createAccount: 'Utwórz konto', logOut: 'Wyloguj się',
    account: 'Twoje konto', signedInAs: 'Zalogowano jako', role: 'Rola',
    sessionExpires: 'Ta sesja wygasa', devices: 'Zalogowane urządzenia', device: 'Urządzenie',
    ip: 'Adres IP', lastSeen: 'Ostatnia aktywność', signedIn: 'Zalogowano', actions: 'Akcje',
    logOutOthers: 'Wyloguj wszystkie inne urządzenia', logOutEverywhere: 'Wyloguj wszędzie',
    changePassword: 'Zmień hasło', currentPassword: 'Obecne hasło', newPassword: 'Nowe hasło',
    passwordHintOthers: 'Co najmniej 8 znaków. Pozostałe urządzenia zostaną wylogowane.',
    repeatNewPassword: 'Powtórz nowe hasło',
    thisDevice: 'To urządzenie', logOutDevice: 'Wyloguj', logOutDeviceLabel: 'Wyloguj {device}',
    passwordsDiffer: 'Hasła nie są takie same.',
    networkError: 'Brak połączenia z serwerem. Spróbuj ponownie.',
    unexpected: 'Nieoczekiwana odpowiedź serwera (HTTP {status}).',
    loggedOut: 'Wylogowano.',
    loggedOutAll: 'Wylogowano na wszystkich urządzeniach.',
    deviceLoggedOut: 'Urządzenie zostało wylogowane.',
    othersEnded: 'Wylogowane inne urządzenia: {n}.',
    passwordChanged: 'Hasło zostało zmienione. Wylogowane inne urządzenia: {n}.',
    unknownDevice: 'Nieznane urządzenie', unknown: 'nieznany',
  };

  function t(key, vars) {
    let s = (lang === 'pl' && PL[key]) || EN[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace('{' + k + '}', String(v));
    return s;
  }

  function localize(titleKey) {
    document.documentElement.lang = lang;
    document.title = t(titleKey) + ' · authd';
    if (lang === 'en') return; // the HTML is written in English
    for (const el of document.querySelectorAll('[data-i18n]')) {
      if (PL[el.dataset.i18n]) el.textContent = PL[el.dataset.i18n];
    }
  }

  // ---- API ---------------------------------------------------------------------------------
  async function api(method, path, body, csrf) {
    const headers = { Accept: 'application/json' };
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (csrf) headers['X-CSRF-Token'] = csrf;
    let res;
    try {
      res = await fetch(API + path, init);
    } catch (e) {
      return { status: 0, data: null };
    }
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (e) { data = null; }
    }
    return { status: res.status, data };
  }

  function errorCode(res) {
    return res.data && res.data.detail && res.data.detail.error_code;
  }

  // Shows the contract's error message ({"detail": {"error_code", "message", "fields"?}}).
  function showError(el, res) {
    el.replaceChildren();
    const detail = res.data && res.data.detail;
    if (detail && typeof detail.message === 'string') {
      const p = document.createElement('p');
      p.textContent = detail.message;
      el.append(p);
      if (Array.isArray(detail.fields) && detail.fields.length) {
        const ul = document.createElement('ul');
        for (const f of detail.fields) {
          const li = document.createElement('li');
          li.textContent = f.field + ': ' + f.message;
          ul.append(li);
        }
        el.append(ul);
      }
    } else {
      const p = document.createElement('p');
      p.textContent = res.status === 0 ? t('networkError') : t('unexpected', { status: res.status });
      el.append(p);
    }
    el.hidden = false;
  }

  function showText(el, text) {
    el.textContent = text;
    el.hidden = false;
  }

  function hide(...els) {
    for (const el of els) { el.hidden = true; el.replaceChildren(); }
  }

  const $ = (id) => document.getElementById(id);

  // ---- user agent ----------------------------------------------------------------------------
  const BROWSERS = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
    [/(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
    [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
    [/Chromium\/(\d+)/, 'Chromium'],
    [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[\d.]*(?: Mobile\/\S+)? Safari\//, 'Safari'],
    [/^curl\/(\d+)/, 'curl'],
    [/^Wget\/(\d+)/, 'Wget'],
  ];
  const SYSTEMS = [
    [/Windows/, 'Windows'], [/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'],
    [/CrOS/, 'ChromeOS'], [/Mac OS X|Macintosh/, 'macOS'], [/Linux|X11/, 'Linux'],
  ];

  function describeAgent(ua) {
    if (!ua) return t('unknownDevice');
    let browser = null;
    for (const [re, name] of BROWSERS) {
      const m = ua.match(re);
      if (m) { browser = name + ' ' + m[1]; break; }
    }
    const os = (SYSTEMS.find(([re]) => re.test(ua)) || [])[1];
    if (!browser && !os) return ua.length > 40 ? ua.slice(0, 40) + '…' : ua;
    return [browser, os].filter(Boolean).join(' · ');
  }

  function timeElement(iso) {
    const el = document.createElement('time');
    if (!iso) { el.textContent = '—'; return el; }
    el.dateTime = iso;
    const d = new Date(iso);
    el.textContent = isNaN(d) ? iso : d.toLocaleString(lang === 'pl' ? 'pl-PL' : undefined,
      { dateStyle: 'medium', timeStyle: 'short' });
    return el;
  }

  // ---- pages ---------------------------------------------------------------------------------
  // "?next=/path?query" (set by a forward-auth proxy, deploy/nginx/): where to go after signing
  // in. Taken raw (the proxy does not encode it) and only when it is a path on this origin.
  function nextTarget() {
    const m = location.search.match(/^\?next=(.+)$/);
    if (!m) return null;
    let target = m[1];
    try { if (!target.startsWith('/')) target = decodeURIComponent(target); } catch (e) { return null; }
    if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return null;
    const url = new URL(target, location.origin);
    return url.origin === location.origin ? url.pathname + url.search : null;
  }

  async function loginPage() {
    localize('titleLogin');
    const notice = new URLSearchParams(location.search).get('m');
    if (notice === 'loggedOut' || notice === 'loggedOutAll') showText($('notice'), t(notice));
    const form = $('login-form');
    const error = $('error');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      hide(error);
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      const res = await api('POST', 'login', {
        email: form.email.value, password: form.password.value, remember_me: form.remember_me.checked,
      });
      if (res.status === 200) {
        location.assign(nextTarget() || 'account.html');
        return;
      }
      button.disabled = false;
      showError(error, res);
      form.password.value = '';
      form.password.focus();
    });
    // Already signed in: go straight to the account page.
    const me = await api('GET', 'me');
    if (me.status === 200) location.replace('account.html');
  }

  function registerPage() {
    localize('titleRegister');
    const form = $('register-form');
    const error = $('error');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      hide(error);
      if (form.password.value !== form.password2.value) {
        showText(error, t('passwordsDiffer'));
        form.password2.focus();
        return;
      }
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      const creds = { email: form.email.value, password: form.password.value };
      const res = await api('POST', 'register', creds);
      if (res.status !== 201) {
        button.disabled = false;
        showError(error, res);
        return;
      }
      const login = await api('POST', 'login', creds);
      location.assign(login.status === 200 ? 'account.html' : 'index.html');
    });
  }

  async function accountPage() {
    localize('titleAccount');
    const error = $('error');
    const notice = $('notice');
    let csrf = null;

    const toSignIn = (m) => location.replace('index.html' + (m ? '?m=' + m : ''));

    // A state-changing call: with the CSRF token; one retry with a fresh token when the token was
    // rotated meanwhile (e.g. a password change in another tab).
    async function mutate(method, path, body) {
      let res = await api(method, path, body, csrf);
      if (res.status === 403 && errorCode(res) === 'CSRF_FAILED') {
        const fresh = await api('GET', 'csrf');
        if (fresh.status === 200 && fresh.data.csrf_token !== csrf) {
          csrf = fresh.data.csrf_token;
          res = await api(method, path, body, csrf);
        }
      }
      return res;
    }

    // true when the session is gone (and the page is leaving)
    function signedOut(res) {
      if (res.status === 401 && errorCode(res) !== 'INVALID_CREDENTIALS') {
        toSignIn();
        return true;
      }
      return false;
    }

    function report(res) {
      hide(notice);
      showError(error, res);
    }

    function say(text) {
      hide(error);
      showText(notice, text);
    }

    async function loadSessions() {
      const res = await api('GET', 'sessions');
      if (signedOut(res)) return;
      if (res.status !== 200) { report(res); return; }
      const rows = res.data.sessions.slice().sort((a, b) =>
        (b.current - a.current) || String(b.last_seen_at).localeCompare(String(a.last_seen_at)));
      const tbody = document.querySelector('#devices tbody');
      tbody.replaceChildren();
      for (const s of rows) {
        const tr = document.createElement('tr');
        tr.dataset.sessionId = s.id;
        if (s.current) tr.className = 'current';
        const name = describeAgent(s.user_agent);

        const device = document.createElement('td');
        const label = document.createElement('span');
        label.className = 'device-name';
        label.textContent = name;
        if (s.user_agent) label.title = s.user_agent;
        device.append(label);
        if (s.current) {
          const badge = document.createElement('span');
          badge.className = 'badge';
          badge.textContent = t('thisDevice');
          device.append(' ', badge);
        }
        const ip = document.createElement('td');
        ip.textContent = s.ip_address || t('unknown');
        const seen = document.createElement('td');
        seen.append(timeElement(s.last_seen_at));
        const created = document.createElement('td');
        created.append(timeElement(s.created_at));
        const action = document.createElement('td');
        if (!s.current) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'revoke';
          b.textContent = t('logOutDevice');
          b.setAttribute('aria-label', t('logOutDeviceLabel', { device: name + ' (' + (s.ip_address || '?') + ')' }));
          b.addEventListener('click', () => revoke(s.id, b));
          action.append(b);
        }
        // labels for the narrow-screen layout, where the table header is hidden (app.css)
        ip.dataset.label = t('ip');
        seen.dataset.label = t('lastSeen');
        created.dataset.label = t('signedIn');
        tr.append(device, ip, seen, created, action);
        tbody.append(tr);
      }
      $('logout-others').disabled = rows.length < 2;
    }

    async function revoke(id, button) {
      button.disabled = true;
      const res = await mutate('DELETE', 'sessions/' + encodeURIComponent(id));
      if (signedOut(res)) return;
      await loadSessions(); // first, so that the notice comes with the updated list
      if (res.status === 204 || res.status === 404) say(t('deviceLoggedOut'));
      else report(res);
    }

    $('logout').addEventListener('click', async () => {
      const res = await mutate('POST', 'logout');
      if (res.status === 200 || res.status === 401) toSignIn('loggedOut');
      else report(res);
    });

    $('logout-all').addEventListener('click', async () => {
      const res = await mutate('POST', 'logout?all_devices=true');
      if (res.status === 200 || res.status === 401) toSignIn('loggedOutAll');
      else report(res);
    });

    $('logout-others').addEventListener('click', async () => {
      const res = await mutate('DELETE', 'sessions');
      if (signedOut(res)) return;
      await loadSessions();
      if (res.status === 200) say(t('othersEnded', { n: res.data.sessions_ended }));
      else report(res);
    });

    const pwForm = $('password-form');
    pwForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const pwError = $('password-error');
      const pwNotice = $('password-notice');
      hide(pwError, pwNotice);
      if (pwForm.new_password.value !== pwForm.new_password2.value) {
        showText(pwError, t('passwordsDiffer'));
        pwForm.new_password2.focus();
        return;
      }
      const button = pwForm.querySelector('button[type=submit]');
      button.disabled = true;
      const res = await mutate('POST', 'password', {
        current_password: pwForm.current_password.value, new_password: pwForm.new_password.value,
      });
      button.disabled = false;
      if (signedOut(res)) return;
      if (res.status === 200) {
        csrf = res.data.csrf_token; // the session was rotated: new cookie, new CSRF token
        pwForm.reset();
        $('pw-username').value = $('user-email').textContent;
        await loadSessions();
        showText(pwNotice, t('passwordChanged', { n: res.data.sessions_ended }));
      } else {
        showError(pwError, res);
      }
    });

    const me = await api('GET', 'me');
    if (signedOut(me)) return;
    if (me.status !== 200) { report(me); return; }
    $('user-email').textContent = me.data.user.email;
    $('pw-username').value = me.data.user.email;
    $('user-role').textContent = me.data.user.role;
    $('session-expires').replaceChildren(timeElement(me.data.session.expires_at));
    const token = await api('GET', 'csrf');
    if (signedOut(token)) return;
    if (token.status === 200) csrf = token.data.csrf_token;
    await loadSessions();
    $('main').setAttribute('aria-busy', 'false');
  }

  const pages = { login: loginPage, register: registerPage, account: accountPage };
  const page = pages[document.body.dataset.page];
  if (page) page();
})();
