/**
 * The dashboard's entry point: the session, the API client, the navigation and the routes. The
 * page is index.html's `<main>`; everything is built with DOM calls (see dom.ts), so the strict
 * Content-Security-Policy (scripts and styles from this origin only) holds.
 */
import { ApiClient } from './api-client.js';
import { AuthSession } from './auth-session.js';
import { h, replaceChildren } from './dom.js';
import { buildHash } from './route-match.js';
import { startRouter, type Route } from './router.js';
import { activeAlertsPage, alertHistoryPage } from './pages/alerts.js';
import { deadLettersPage } from './pages/dead-letters.js';
import { deliveryPage } from './pages/delivery.js';
import { loginPage } from './pages/login.js';
import { overviewPage } from './pages/overview.js';
import { ruleEditorPage, rulesPage } from './pages/rule-editor.js';
import { searchPage } from './pages/search.js';
import { silencesPage } from './pages/silences.js';

const ROUTES: readonly Route[] = [
  { pattern: '/login', page: loginPage, title: 'Log in', public: true },
  { pattern: '/overview', page: overviewPage, title: 'Overview' },
  { pattern: '/search', page: searchPage, title: 'Search' },
  { pattern: '/alerts', page: activeAlertsPage, title: 'Alerts' },
  { pattern: '/alerts/history', page: alertHistoryPage, title: 'Alert history' },
  { pattern: '/rules', page: rulesPage, title: 'Alert rules' },
  { pattern: '/rules/new', page: ruleEditorPage, title: 'New alert rule' },
  { pattern: '/rules/:id', page: ruleEditorPage, title: 'Alert rule' },
  { pattern: '/silences', page: silencesPage, title: 'Silences' },
  { pattern: '/dead-letters', page: deadLettersPage, title: 'Dead letters' },
  { pattern: '/delivery', page: deliveryPage, title: 'Delivery' },
];

const NAV = [
  { path: '/overview', label: 'Overview', also: [] as string[] },
  { path: '/search', label: 'Search', also: [] },
  { path: '/alerts', label: 'Alerts', also: ['/alerts/history', '/rules', '/silences'] },
  { path: '/dead-letters', label: 'Dead letters', also: [] },
  { path: '/delivery', label: 'Delivery', also: [] },
];

function start(): void {
  const main = document.getElementById('main');
  const header = document.getElementById('site-header');
  if (main === null || header === null) throw new Error('index.html lacks #main or #site-header');
  const session = new AuthSession();
  const api = new ApiClient(session, () => {
    window.location.hash = buildHash('/login', { next: window.location.hash.slice(1) });
  });

  const renderHeader = (path: string): void => {
    const user = session.user;
    const links = NAV.map((item) => {
      const current = path === item.path || item.also.some((p) => path.startsWith(p));
      return h('li', {}, h('a', { href: `#${item.path}`, 'aria-current': current ? 'page' : undefined }, item.label));
    });
    const logout = h('button', { type: 'button', class: 'link' }, 'Log out');
    logout.addEventListener('click', () => {
      void session.logout().then(() => {
        window.location.hash = '#/login';
      });
    });
    replaceChildren(
      header,
      h('a', { class: 'skip-link', href: '#main', onclick: (event: Event) => {
        event.preventDefault();
        main.focus();
      } }, 'Skip to content'),
      h('a', { class: 'brand', href: '#/overview' }, 'Sawmill'),
      user === undefined ? null : h('nav', { 'aria-label': 'Main' }, h('ul', {}, ...links)),
      user === undefined ? null : h('div', { class: 'user' }, h('span', {}, `${user.username} (${user.role})`), logout),
    );
  };

  startRouter({ routes: ROUTES, root: main, api, session, onNavigate: (path) => renderHeader(path) });

  // `/` focuses the search box (or opens search), unless the user is typing somewhere.
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target !== null && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    event.preventDefault();
    const box = document.getElementById('search-q');
    if (box !== null) box.focus();
    else if (session.user !== undefined) window.location.hash = '#/search';
  });
}

start();
