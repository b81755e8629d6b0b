import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api.js';
import { App } from './App.js';
import { preloadPage } from './page-routes.js';
import { loginNeeded } from './auth.js';
import { applyTheme, chosenTheme } from './theme.js';
import './styles.css';

// The theme picked with the toggle on an earlier visit (else the system's).
applyTheme(chosenTheme());
// The page's code is fetched while React starts, not after its first render asks for it.
preloadPage(decodeURI(window.location.pathname));

const onError = (error: unknown) => {
  // 401: the store holds API tokens and this browser has none (or a revoked one): ask for one.
  if (error instanceof ApiError && error.status === 401) loginNeeded.set(true);
};

const client = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: { retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2 },
  },
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
