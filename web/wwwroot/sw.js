// MonitorGrid's service worker: keeps the app's shell on the phone so the form opens without network
// (a classroom with no signal). Network first, so an update is used as soon as it can be fetched; the
// cached copy only when the network fails. API calls, the hub and health checks are never cached.
'use strict';

const CACHE = 'mg-shell-v1';
const SHELL = ['/', '/index.html', '/app.css', '/dist/app.js'];
const LIVE = ['/api/', '/hubs/', '/health/', '/openapi/'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || LIVE.some((p) => url.pathname.startsWith(p))) {
    return;
  }

  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(event.request, copy)));
      }
      return response;
    })
    .catch(() => caches.match(event.request, { ignoreSearch: true })
      .then((cached) => cached || (event.request.mode === 'navigate' ? caches.match('/index.html') : Response.error()))));
});
