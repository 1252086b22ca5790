// Registers the service worker that makes the app work offline, and tells the page when a
// new version is ready so the user can reload into it (never a silent mix of versions).

const SERVICE_WORKER_URL = 'sw.js'; // relative: the app works from any sub-path

/**
 * @param {{onUpdateReady: (apply: () => void) => void}} callbacks
 * @returns {Promise<ServiceWorkerRegistration | null>}
 */
export async function registerServiceWorker({ onUpdateReady }) {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.register(SERVICE_WORKER_URL, {
    updateViaCache: 'none',
  });
  let reloadRequested = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only the user's choice reloads: the first install also changes the controller.
    if (reloadRequested) window.location.reload();
  });
  const offer = (waiting) => {
    if (!navigator.serviceWorker.controller) return; // first install: nothing to replace
    onUpdateReady(() => {
      reloadRequested = true;
      waiting.postMessage({ type: 'skip-waiting' });
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
