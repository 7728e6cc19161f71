// How /metrics is gzipped; bench/metrics.mjs compresses its text the same way.

/** Below this a scrape is sent as is: compressing a few kilobytes saves less than it costs. */
export const METRICS_COMPRESS_THRESHOLD_BYTES = 16 * 1024;

/**
 * How a large scrape is gzipped. zlib's defaults (level 6) through a stream turned a 2 MiB scrape
 * at 20,000 checks into a dozen thread-pool jobs and stream hops, each waiting its turn on the
 * event loop the monitor keeps busy: 30–70 ms, and up to 200 ms, on top of the render. Level 1
 * compresses that scrape to 156 KB in ~4 ms (level 6: 137 KB in ~9 ms), so up to
 * METRICS_SYNC_GZIP_MAX_BYTES it is done in one synchronous call, which holds the loop for less
 * than the hops made the scrape wait; a larger scrape still streams.
 */
export const METRICS_GZIP_OPTIONS = { level: 1 };
export const METRICS_SYNC_GZIP_MAX_BYTES = 8 * 1024 * 1024;
