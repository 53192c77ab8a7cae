// A member's clock read from here, without SSH: every etcd member answers GET <peer URL>/raft/probing with
// {"OK":true,"Now":"<RFC 3339, nanoseconds>"} (3.4 and 3.5 alike; the handler its peers' drift prober
// calls). NTP-style: up to five sequential samples on one kept-alive connection, each offset taken against
// the midpoint of its round trip, the sample with the shortest round trip kept; the member's clock was read
// somewhere inside that round trip, so half of it bounds the error (sampling stops once that is small). Each measurement ends by the refresh's
// deadline and never throws: it gives a reading or a classified failure.
//
// Clocks: the round trip is timed with performance.now() (monotonic, sub-millisecond); the wall time it is
// compared with is Date.now() at the answer. performance.timeOrigin + performance.now() would give
// sub-millisecond wall time, but it is fixed at process start and does not follow the system clock's steps
// nor a suspend (the monotonic clock stops while a laptop sleeps): in a long-lived extension host it would
// drift from the wall clock by hours. Date.now() counts whole milliseconds, which adds 0.5 ms to the
// uncertainty; the member's timestamp has nanoseconds and adds nothing that matters.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { DeadlineError, TlsSettingsError, describeError, readTlsFile, type Failure } from './client';
import type { SecureContext } from 'node:tls';
import { secureContextOf } from './tlsContext';
import { routedConnection, type Dialer } from './dial';
import type { ClockReading } from './model';
import type { TlsFiles } from './profile';

/** Most samples per measurement; the one with the shortest round trip is kept. */
export const CLOCK_SAMPLES = 5;
/**
 * Sampling stops early once the best sample is this certain (a round trip under 9 ms): against the 500 ms
 * limit of clock-sync, more samples of a LAN round trip buy nothing but event-loop time on every refresh;
 * a long or jittery link gets all CLOCK_SAMPLES.
 */
export const CLOCK_GOOD_ENOUGH_MS = 5;
/** Date.now() truncates to whole milliseconds: the wall time is its value plus [0, 1) ms. */
const WALL_RESOLUTION_MS = 1;
/** etcd's answer is about 50 bytes; a page longer than this is not it. */
const MAX_BODY_BYTES = 4096;
/** How long an idle kept-alive connection to a peer port is kept between refreshes. */
const IDLE_SOCKET_MS = 60_000;

/** One request's result: the member's clock minus ours at the midpoint of the round trip, and the round trip. */
export interface ClockSample {
  offsetMs: number;
  roundTripMs: number;
}

/** A measurement: a reading, or why there is none. */
export type ClockResult = { reading: ClockReading; error: null } | { reading: null; error: Failure };

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Milliseconds since the epoch (with the fraction, to about a microsecond) of an RFC 3339 time as Go's
 * time.Time marshals it: up to nine fraction digits, trailing zeros dropped, Z or a ±hh:mm zone (a member
 * whose local zone is not UTC). Null for anything else, an impossible date included.
 */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const whole = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(whole).getUTCDate() !== day || new Date(whole).getUTCFullYear() !== year) return null;
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const zoneMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (!m[8] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null;
  return whole + fraction - zoneMinutes * 60_000;
}

/**
 * One sample from the member's time and ours: the wall clock read when the answer arrived (Date.now(),
 * whole ms: its midpoint is +0.5) and the round trip; the member read its clock, at best, halfway through.
 */
export function sampleOf(memberMs: number, wallAtAnswerMs: number, roundTripMs: number): ClockSample {
  const midpoint = wallAtAnswerMs + WALL_RESOLUTION_MS / 2 - roundTripMs / 2;
  return { offsetMs: memberMs - midpoint, roundTripMs };
}

/** The reading a set of samples gives: the shortest round trip's offset, ± half that round trip and the wall clock's resolution. */
export function readingOf(samples: readonly ClockSample[]): ClockReading | null {
  if (samples.length === 0) return null;
  const best = samples.reduce((a, b) => (b.roundTripMs < a.roundTripMs ? b : a));
  return {
    source: 'raft-probing',
    offsetMs: Math.round(best.offsetMs * 1000) / 1000,
    uncertaintyMs: Math.ceil((best.roundTripMs / 2 + WALL_RESOLUTION_MS / 2) * 1000) / 1000,
    samples: samples.length,
  };
}

/** Whether the samples taken already give a reading certain enough to stop. */
function goodEnough(samples: readonly ClockSample[]): boolean {
  return (readingOf(samples)?.uncertaintyMs ?? Infinity) <= CLOCK_GOOD_ENOUGH_MS;
}

/** An answer on the peer port that is not etcd's /raft/probing. */
class ProbingAnswerError extends Error {}

/** The peer TLS files' contents (read once per PeerClock, as a client reads its own once). */
interface PeerTlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function readPeerTls(tls: TlsFiles | undefined): PeerTlsFiles {
  if (Boolean(tls?.certFile) !== Boolean(tls?.keyFile))
    throw new TlsSettingsError('a peer client certificate needs its key, and a key its certificate');
  return {
    ...(tls?.caFile ? { ca: readTlsFile(tls.caFile, 'peer CA') } : {}),
    ...(tls?.certFile ? { cert: readTlsFile(tls.certFile, 'peer certificate') } : {}),
    ...(tls?.keyFile ? { key: readTlsFile(tls.keyFile, 'peer key') } : {}),
  };
}

/** How long a connection through a route may take to open when the request gives no deadline of its own. */
const ROUTE_OPEN_MS = 10_000;

/** Makes an agent open its connections through `dial` (https: TLS over the dialled stream, with the request's options). */
function routeAgent(agent: HttpAgent, dial: Dialer, https: boolean): void {
  Object.assign(agent, { createConnection: routedConnection(dial, https, () => new Date(Date.now() + ROUTE_OPEN_MS)) });
}

/**
 * Reads member clocks over their peer ports. Keeps one connection per peer URL alive between refreshes
 * (a TCP and TLS handshake costs more than the samples), closed by dispose().
 */
export class PeerClock {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 1, timeout: IDLE_SOCKET_MS });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 1, timeout: IDLE_SOCKET_MS });

  /** The peer TLS files, read on the first https measurement; an unreadable one fails every measurement with the file named. */
  private files: PeerTlsFiles | TlsSettingsError | undefined;
  /** Their TLS context, made on the first https measurement (not hashed again for every sample). */
  private context: SecureContext | undefined;

  constructor(
    private readonly tls?: TlsFiles,
    dial?: Dialer,
  ) {
    // Through a route (an SSH tunnel): each agent's connections open by it, TLS inside it end to end.
    if (dial) {
      routeAgent(this.httpAgent, dial, false);
      routeAgent(this.httpsAgent, dial, true);
    }
  }

  private tlsOptions(host: string): Record<string, unknown> {
    if (this.files === undefined) {
      try {
        this.files = readPeerTls(this.tls);
      } catch (error) {
        this.files = error as TlsSettingsError;
      }
    }
    if (this.files instanceof TlsSettingsError) throw this.files;
    // SNI carries host names only (RFC 6066); the certificate is still checked against the IP.
    this.context ??= secureContextOf(this.files);
    return { secureContext: this.context, servername: this.tls?.serverName ?? (isIP(host) ? '' : host) };
  }

  /**
   * Up to `samples` sequential samples of the member's clock, ending by the deadline. A deadline or an
   * error after the first sample still gives a reading from the samples taken.
   */
  async measure(peerUrl: string, deadline: Date, timeoutMs: number, samples = CLOCK_SAMPLES): Promise<ClockResult> {
    const taken: ClockSample[] = [];
    let failure: Failure | null = null;
    try {
      const url = new URL('/raft/probing', peerUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ProbingAnswerError(`peer URL scheme ${url.protocol} is not http or https`);
      const https = url.protocol === 'https:';
      const options = https ? this.tlsOptions(url.hostname.replace(/^\[|\]$/g, '')) : {};
      let retried = false;
      while (taken.length < samples && Date.now() < deadline.getTime() && !goodEnough(taken)) {
        try {
          taken.push(await this.sample(url, https, options, deadline));
        } catch (error) {
          // A kept-alive connection the member closed while idle fails the first request on it: once, try a new one.
          if (!retried && (error as { reusedSocket?: boolean }).reusedSocket === true) {
            retried = true;
            continue;
          }
          throw error;
        }
      }
      if (taken.length === 0) throw new DeadlineError();
    } catch (error) {
      failure = error instanceof ProbingAnswerError ? { kind: 'garbage', text: error.message } : describeError(error, timeoutMs);
    }
    const reading = readingOf(taken);
    if (reading) return { reading, error: null };
    const text = failure?.text ?? 'no answer';
    return {
      reading: null,
      error: {
        kind: failure?.kind ?? 'other',
        text: `${peerUrl}/raft/probing: ${text}${failure?.kind === 'tls' ? "; on the peer port these are the cluster's peerTls files (--peer-cacert, --peer-cert, --peer-key)" : ''}`,
      },
    };
  }

  /** Closes the kept-alive connections. */
  dispose(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private sample(url: URL, https: boolean, options: Record<string, unknown>, deadline: Date): Promise<ClockSample> {
    return new Promise((resolve, reject) => {
      let req: ClientRequest | undefined;
      let settled = false;
      const finish = (error: Error | null, sample?: ClockSample): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          if (req?.reusedSocket) Object.assign(error, { reusedSocket: true });
          req?.destroy();
          reject(error);
        } else resolve(sample as ClockSample);
      };
      const timer = setTimeout(() => finish(new DeadlineError()), Math.max(0, deadline.getTime() - Date.now()));
      // The round trip that bounds the reading is the request's: on a new connection it starts once the
      // connection is ready (TCP connected, TLS handshake done), so a handshake does not make the first
      // sample vague and cost a second one. A connection whose readiness is not seen (already connected, or
      // a dialled stream) counts from here, the longer and safe way.
      let started = performance.now();
      const onResponse = (res: IncomingMessage): void => {
        const roundTripMs = performance.now() - started;
        const wallAtAnswer = Date.now();
        if (res.statusCode !== 200) {
          res.resume();
          finish(new ProbingAnswerError(`not etcd's peer port: /raft/probing answered HTTP ${String(res.statusCode)}`));
          return;
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_BODY_BYTES)
            finish(new ProbingAnswerError(`not etcd's peer port: /raft/probing answered more than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('error', (error) => finish(error));
        res.on('end', () => {
          const now = memberTime(Buffer.concat(chunks).toString('utf8'));
          if (now === null) finish(new ProbingAnswerError(`not etcd's peer port: /raft/probing answered no {"OK":true,"Now":"<time>"}`));
          else finish(null, sampleOf(now, wallAtAnswer, roundTripMs));
        });
      };
      try {
        req = (https ? httpsRequest : httpRequest)(url, { ...options, agent: https ? this.httpsAgent : this.httpAgent }, onResponse);
        req.on('error', (error) => finish(error));
        // A new connection is never ready when the request gets it (connecting and the handshake need the
        // network); a kept-alive one is.
        req.on('socket', (socket) => {
          if (!req?.reusedSocket) socket.once(https ? 'secureConnect' : 'connect', () => (started = performance.now()));
        });
        req.end();
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

/** The member's time in etcd's probing answer, or null when the body is not that answer. */
function memberTime(body: string): number | null {
  try {
    const parsed = JSON.parse(body) as { Now?: unknown } | null;
    return typeof parsed?.Now === 'string' ? parseRfc3339(parsed.Now) : null;
  } catch {
    return null;
  }
}
