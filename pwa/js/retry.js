// When a sync fails for want of a connection or a working server, the app tries again by itself, waiting
// longer after each failure (exponential back-off) and a random part of it (jitter), so that devices coming
// back together do not all knock at once. Start-up, the browser coming online and "Sync now" do not wait;
// a sync that succeeds starts the count again.
export const FIRST_DELAY_MS = 2 * 1000;
export const MAX_DELAY_MS = 5 * 60 * 1000;

// The wait before the next try after `failures` failures in a row: between half and all of
// FIRST_DELAY_MS × 2^(failures − 1), at most MAX_DELAY_MS.
export function retryDelay(failures, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
