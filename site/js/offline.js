// Registers the service worker that makes the app work offline, tells the page when a new
// version is ready so the user can reload into it (never a silent mix of versions), and when
// offline use could not be set up (the recognizer keeps working online).

const SERVICE_WORKER_URL = 'sw.js'; // relative: the app works from any sub-path

/**
 * @param {{onUpdateReady: (apply: () => void) => void,
 *          onOfflineUnavailable: (reason: string) => void}} callbacks
 * @returns {Promise<ServiceWorkerRegistration | null>}
 */
export async function registerServiceWorker({ onUpdateReady, onOfflineUnavailable }) {
  if (!('serviceWorker' in navigator)) return null;
  const container = navigator.serviceWorker;
  container.addEventListener('message', ({ data }) => {
    // The service worker's first install failed: no earlier version to fall back on.
    if (data?.type === 'offline-unavailable') onOfflineUnavailable(data.reason);
  });
  container.startMessages();
  const registration = await container.register(SERVICE_WORKER_URL, { updateViaCache: 'none' });
  // A browser (or automation) that blocks service workers may answer with no registration at
  // all: nothing to watch, and nothing the person can do about it.
  if (!registration) return null;
  let reloadRequested = false;
  container.addEventListener('controllerchange', () => {
    // Only the user's choice reloads: the first install also changes the controller, and so
    // does another tab applying an update (this page keeps its own version until it reloads).
    if (reloadRequested) window.location.reload();
  });
  const offer = (update) => {
    if (!container.controller) return; // first install: nothing to replace
    onUpdateReady(() => {
      if (update.state !== 'installed') {
        window.location.reload(); // already applied, by another tab: just load it
        return;
      }
      reloadRequested = true;
      update.postMessage({ type: 'skip-waiting' });
    });
  };
  if (registration.waiting) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer(installing);
    });
  });
  return registration;
}
