import { render } from 'preact';
import { loadSession } from './api.js';
import { Dashboard } from './app.js';
import { html } from './html.js';

const root = document.getElementById('app') as HTMLElement;

loadSession().then(
  (session) => render(html`<${Dashboard} session=${session} />`, root),
  (error: Error) => render(html`<p class="banner error">The dashboard could not start: ${error.message}</p>`, root),
);
