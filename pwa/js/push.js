// Web push: the server sends a content-free signal; the service worker shows a generic notification in the UI
// language and tells open pages to sync. Permission is asked only when the user taps "Allow notifications".
import { api } from './api.js';
import { t, language } from './i18n.js';

// The worker cannot translate: the page leaves it the generic text in the UI language (no case data).
const PREFS_CACHE = 'safefuture-prefs';
export const WORKER_TEXT_URL = '/sf-notification.json';

export async function storeWorkerText() {
  if (!('caches' in self)) return;
  const text = { lang: language(), title: 'Safe Future', body: t('Something needs your attention. Open the app to see it.') };
  const cache = await caches.open(PREFS_CACHE);
  await cache.put(WORKER_TEXT_URL, new Response(JSON.stringify(text), { headers: { 'Content-Type': 'application/json' } }));
}

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

// 'unsupported' (e.g. iOS without installing the app), 'denied', 'on' or 'off'.
export async function pushState() {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

function keyBytes(base64url) {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

// Call from a click: browsers ask for permission only on a user gesture.
export async function enablePush() {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  await storeWorkerText();
  const { public_key: key } = await api('GET', '/push/key');
  const registration = await navigator.serviceWorker.ready;
  const subscription = (await registration.pushManager.getSubscription())
    || (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
  await api('POST', '/push/subscriptions', subscription.toJSON());
  return 'on';
}

export async function disablePush() {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return;
  await api('DELETE', '/push/subscriptions', { endpoint: subscription.endpoint });
  await subscription.unsubscribe();
}
