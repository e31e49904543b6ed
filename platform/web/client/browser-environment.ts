import type { ConnectionEnvironment } from './connection.ts';

/** The connection's environment in a browser: WebSocket, navigator.onLine and the online/offline events. */
export const browserEnvironment: ConnectionEnvironment = {
  openSocket: (url) => new WebSocket(url),
  isOnline: () => navigator.onLine,
  onOnlineChange(listener) {
    const online = () => {
      listener(true);
    };
    const offline = () => {
      listener(false);
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  },
  setTimer(fn, ms) {
    const id = window.setTimeout(fn, ms);
    return () => {
      clearTimeout(id);
    };
  },
};
