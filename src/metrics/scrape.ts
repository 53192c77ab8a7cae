// Reads a member's Prometheus /metrics page and keeps the series the inspector uses (sample.ts): on its
// https client URL over its gRPC connection, elsewhere (an http client URL, a metrics port) over HTTP/1.1.
// The URL comes from the member list, so the server at the other end may be anything: the request ends at
// the refresh's deadline whatever the server does (a page that never ends, a trickle of bytes), at most
// MAX_METRICS_BYTES are read, then the wanted families' samples are read. Every failure, stream errors
// included, rejects the one promise.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { TlsFiles } from '../etcd/profile';
import { routedConnection, type Dialer } from '../etcd/dial';
import { secureContextOf } from '../etcd/tlsContext';
import type { HttpAnswer } from '../etcd/grpc/channel';
import { parseSample, type MetricsSample } from './sample';

/** etcd's page is about 150–300 KB; anything far beyond that is not etcd. */
const MAX_METRICS_BYTES = 4 * 1024 * 1024;

/** A GET on a member's gRPC connection (EndpointClient.httpGet). */
export type SessionGet = (path: string, deadline: Date, maxBytes: number) => Promise<HttpAnswer>;

const notOk = (status: number | undefined): Error => new Error(`/metrics answered HTTP ${String(status)}`);

/**
 * A member's page, read at `base` (its client URL, or its metrics port: profile.ts's metricsBaseUrl). On
 * its https client URL the page comes over the member's gRPC connection (`get`; etcd 3.4 and 3.5 serve
 * their HTTP handlers there too, by content type): no connection and no TLS handshake of its own, which in
 * a fresh `status` of a 5-member TLS cluster were five more handshakes. On an http one (etcd hands every
 * HTTP/2 connection there to gRPC) and on a metrics port, over HTTP/1.1.
 */
export async function scrapeMember(
  clientUrl: string,
  base: string,
  deadline: Date,
  get: SessionGet,
  tls?: TlsFiles,
  dial?: Dialer,
): Promise<MetricsSample> {
  if (base !== clientUrl || !clientUrl.startsWith('https:')) return scrapeMetrics(base, deadline, tls, dial);
  const answer = await get('/metrics', deadline, MAX_METRICS_BYTES);
  if (answer.status !== 200) throw notOk(answer.status);
  return parseSample(answer.body.toString('utf8'), Date.now());
}

/** GETs `<clientUrl>/metrics` over HTTP/1.1; settles by the deadline at the latest; rejects on any failure. */
function scrapeMetrics(clientUrl: string, deadline: Date, tls?: TlsFiles, dial?: Dialer): Promise<MetricsSample> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined;
    let settled = false;
    const finish = (error: Error | null, result?: MetricsSample): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Destroying ends the socket whatever the server keeps sending.
      req?.destroy();
      if (error) reject(error);
      else resolve(result as MetricsSample);
    };
    const timer = setTimeout(() => finish(new Error('deadline exceeded reading /metrics')), Math.max(0, deadline.getTime() - Date.now()));
    try {
      const url = new URL('/metrics', clientUrl);
      const https = url.protocol === 'https:';
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const options = https
        ? {
            secureContext: secureContextOf({
              ca: tls?.caFile ? readFileSync(tls.caFile) : undefined,
              cert: tls?.certFile ? readFileSync(tls.certFile) : undefined,
              key: tls?.keyFile ? readFileSync(tls.keyFile) : undefined,
            }),
            // SNI carries host names only (RFC 6066); an IP there is deprecated in Node (DEP0123). The
            // certificate is still checked against the IP, or against serverName when given.
            servername: tls?.serverName ?? (isIP(host) ? '' : host),
          }
        : {};
      // Through a route (an SSH tunnel): the connection opens by it, TLS inside it end to end.
      const route = dial ? { createConnection: routedConnection(dial, https, () => deadline) } : {};
      req = (https ? httpsRequest : httpRequest)(url, { ...options, ...route, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          finish(notOk(res.statusCode));
          return;
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          bytes += chunk.length;
          if (bytes > MAX_METRICS_BYTES)
            finish(new Error(`/metrics is larger than ${MAX_METRICS_BYTES / 1024 / 1024} MiB: not an etcd metrics page`));
        });
        res.on('end', () => {
          if (!settled) finish(null, parseSample(Buffer.concat(chunks, bytes).toString('utf8'), Date.now()));
        });
        res.on('error', (error) => finish(error));
        res.on('aborted', () => finish(new Error('/metrics connection closed mid-page')));
      });
      req.on('error', (error) => finish(error));
      req.end();
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
