// The dashboard shell: sign-in when auth is on, navigation, hash routing, focus management.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, setToken, token } from './api.js';
import { OverviewPage } from './page-overview.js';
import { PinsPage } from './page-pins.js';
import { RegressionPage, RegressionsPage } from './page-regressions.js';
import { CanariesPage, CanaryPage, RolloutsPage } from './page-rollouts.js';
import { WorkloadPage, WorkloadsPage } from './page-workloads.js';
import { ErrorBox, html } from './ui.js';

const NAV = [
  { path: '/', label: 'Overview' },
  { path: '/regressions', label: 'Regressions' },
  { path: '/pins', label: 'Pins' },
  { path: '/workloads', label: 'Workloads' },
  { path: '/rollouts', label: 'Rollouts' },
  { path: '/canaries', label: 'Canary reports' },
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', params: Object.fromEntries(new URLSearchParams(qs ?? '')) };
}

function navigate(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  location.hash = `#${path}${s ? `?${s}` : ''}`;
}

function useRoute() {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function page(route, session) {
  const { path, params } = route;
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  const common = { params, navigate, session };
  if (seg.length === 0) return html`<${OverviewPage} ...${common} />`;
  if (seg[0] === 'regressions' && seg.length === 1) return html`<${RegressionsPage} key=${JSON.stringify(params)} ...${common} />`;
  if (seg[0] === 'regressions' && seg.length === 2) return html`<${RegressionPage} key=${seg[1]} id=${seg[1]} ...${common} />`;
  if (seg[0] === 'pins') return html`<${PinsPage} ...${common} />`;
  if (seg[0] === 'workloads' && seg.length === 1) return html`<${WorkloadsPage} key=${JSON.stringify(params)} ...${common} />`;
  if (seg[0] === 'workloads' && seg.length === 2) return html`<${WorkloadPage} key=${seg[1]} workload=${seg[1]} ...${common} />`;
  if (seg[0] === 'rollouts') return html`<${RolloutsPage} ...${common} />`;
  if (seg[0] === 'canaries' && seg.length === 1) return html`<${CanariesPage} ...${common} />`;
  if (seg[0] === 'canaries' && seg.length === 2) return html`<${CanaryPage} key=${seg[1]} id=${seg[1]} ...${common} />`;
  return html`<h1 tabindex="-1">Not found</h1><p>No page at <code>${path}</code>. <a href="#/">Go to the overview</a>.</p>`;
}

function SignIn({ onSignedIn, error }) {
  return html`
    <main id="main" class="signin">
      <h1 tabindex="-1">Sign in to Perennial</h1>
      <p>This platform requires a token. A viewer token shows the dashboard; an operator token can also acknowledge
        regressions and unpin workloads.</p>
      <${ErrorBox} error=${error} />
      <form onSubmit=${(e) => {
        e.preventDefault();
        setToken(String(new FormData(e.currentTarget).get('token') ?? '').trim());
        onSignedIn();
      }}>
        <label for="token">Access token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
    </main>`;
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState(null);
  const [authError, setAuthError] = useState(null);
  const [attempt, setAttempt] = useState(0);
  const main = useRef(null);

  useEffect(() => {
    get('/api/dashboard/session').then(
      (s) => {
        setSession(s);
        setAuthError(null);
      },
      (e) => {
        setSession(null);
        setAuthError(e instanceof ApiError && e.status === 401 ? (token() ? new Error('That token was not accepted.') : null) : e);
        if (!(e instanceof ApiError && e.status === 401)) setSession({ failed: true });
      },
    );
  }, [attempt]);

  // After navigation, move focus to the new page's heading so screen readers announce it.
  useEffect(() => {
    const h1 = main.current?.querySelector('h1');
    if (h1 && document.activeElement !== h1 && route.path !== '/') h1.focus();
    const label = NAV.find((n) => n.path === `/${route.path.split('/')[1] ?? ''}`)?.label ?? 'Overview';
    document.title = `${label} · Perennial`;
  }, [route.path, session]);

  if (session === null) {
    if (authError === undefined) return null;
    return html`<${SignIn} error=${authError} onSignedIn=${() => setAttempt((n) => n + 1)} />`;
  }
  if (session.failed) return html`<main id="main"><h1>Perennial</h1><${ErrorBox} error=${authError} /></main>`;
  const current = `/${route.path.split('/')[1] ?? ''}`;
  return html`
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      main.current?.querySelector('h1')?.focus();
    }}>Skip to content</a>
    <header class="top">
      <span class="brand">Perennial</span>
      <nav aria-label="Main">
        <ul>
          ${NAV.map(
            (n) => html`<li><a href=${`#${n.path}`} aria-current=${current === n.path || (n.path === '/' && current === '/') ? 'page' : undefined}>${n.label}</a></li>`,
          )}
        </ul>
      </nav>
      <span class="who">
        tenant <strong>${session.tenant}</strong> · ${session.role}
        ${session.authOn && html` <button type="button" class="link" onClick=${() => {
          setToken('');
          setSession(null);
          setAuthError(null);
        }}>Sign out</button>`}
      </span>
    </header>
    <main id="main" ref=${main}>${page(route, session)}</main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
