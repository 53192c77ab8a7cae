// A TCP proxy in front of each member's peer port, so that a test can partition a harness cluster link by
// link while every member stays up and reachable on its client port (issue 13's network partition).
//
// Members advertise the proxy's front address as their peer URL, so every member dials the same front to
// reach a given peer: the proxy learns who is dialling from what the connection carries. etcd's rafthttp
// requests (streams GET /raft/stream/..., pipeline POST /raft, snapshots POST /raft/snapshot) name their
// sender in X-PeerURLs (its advertised peer URLs, which are fronts of this proxy) and X-Server-From (its
// member id in hex). Other peer requests carry neither: the drift/health prober's GET /raft/probing, the
// version and member-list GETs, lease forwarding; they share the pipeline's kept-alive connections. For
// those the proxy asks the kernel who owns the other end of the socket (/proc/net/tcp and the members'
// /proc/<pid>/fd, Linux only); a connection nobody in the cluster owns comes from outside (the test process,
// the inspector's clock probe and TCP check) and is always let through: a partition separates members from
// each other, not the operator from the members. A TCP connection has one dialler for its whole life, so
// the sender is decided once per connection.
//
// Links are directed at the level of who dials: cutting a → b refuses the connections a opens to b's peer
// port and ends the open ones; cut(a, b) without oneWay cuts both directions, which is what a real network
// partition does to TCP (a connection needs packets both ways). Plain-http peers only: the proxy reads the
// first request's head (EtcdCluster refuses peerProxy with peerTls).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** How a cut link fails: 'reset' ends connections with a TCP reset; 'blackhole' holds them open and silent. */
export type CutMode = 'reset' | 'blackhole';

/** How the proxy identified a connection's dialler. */
export type IdentifiedBy = 'header' | 'socket' | 'outside';

/** One member behind the proxy. */
export interface ProxiedMember {
  name: string;
  /** Where the member listens for peers (host:port of its --listen-peer-urls). */
  target: { host: string; port: number };
  /** The front port the proxy listens on: the member's advertised peer port. */
  frontPort: number;
  /** The member's etcd process id now (it changes on restart), for identifying header-less connections. */
  pid: () => number | undefined;
}

/** A connection through the proxy, as the proxy saw it. */
export interface ProxyConnection {
  /** The dialling member's name, or 'outside' for a process that is no member. */
  from: string;
  to: string;
  /** Method and path of the first request ('' when none came). */
  firstRequest: string;
  identifiedBy: IdentifiedBy;
  /**
   * What the socket-owner lookup said: for a header-less connection, who dials; for a forwarded connection
   * named by its headers, whether that member's process owns the dialling socket (a check of one path against
   * the other). Not looked up for refused connections named by their headers.
   */
  socketOwner: string | undefined;
  /** The member id in X-Server-From as sent (hex, no leading zeros), when the first request carried one. */
  serverFrom: string | undefined;
  state: 'open' | 'held' | 'closed';
}

/** What happened to one connection, in order: for tests that report how a fault played out. */
export interface ProxyEvent {
  at: number;
  from: string;
  to: string;
  event: 'forwarded' | 'refused' | 'held' | 'cut' | 'released';
}

const HEAD_LIMIT = 64 * 1024;
/** A dialler that sends nothing (a TCP check, a client waiting for the server) is decided after this long. */
const HEAD_WAIT_MS = 1000;

interface Live extends ProxyConnection {
  client: Socket;
  upstream: Socket | undefined;
}

/** A proxy in front of every member's peer port, with per-link cuts. */
export class PeerProxy {
  private readonly members = new Map<string, ProxiedMember>();
  private readonly servers = new Map<string, Server>();
  /** Directed cuts "from>to" and how each fails. */
  private readonly cuts = new Map<string, CutMode>();
  private readonly live = new Set<Live>();
  /** Every dialling socket accepted and not closed yet, identified or not. */
  private readonly sockets = new Set<Socket>();
  private readonly idNames = new Map<string, string>();
  private readonly accepted: Live[] = [];
  readonly events: ProxyEvent[] = [];
  private closed = false;
  /** The last read of /proc/net/tcp{,6}. */
  private tcpTable: string | undefined;

  /** The front URL the member advertises as its peer URL. */
  frontUrl(name: string): string {
    return `http://127.0.0.1:${this.member(name).frontPort}`;
  }

  /** Starts listening in front of a member's peer port. */
  async add(member: ProxiedMember): Promise<void> {
    if (this.members.has(member.name)) throw new Error(`${member.name} is already behind the proxy`);
    const server = createServer((client) => this.accept(client, member.name));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(member.frontPort, '127.0.0.1', () => resolve());
    });
    server.on('error', () => undefined);
    this.members.set(member.name, member);
    this.servers.set(member.name, server);
  }

  /**
   * Cuts the link between a and b: both directions, or only the connections a dials to b (oneWay). Open
   * connections on the link end now (reset) or go silent (blackhole); new ones are refused or held.
   */
  cut(a: string, b: string, options: { oneWay?: boolean; mode?: CutMode } = {}): void {
    this.member(a);
    this.member(b);
    if (a === b) throw new Error(`a member has no link to itself (${a})`);
    const mode = options.mode ?? 'reset';
    this.cuts.set(`${a}>${b}`, mode);
    if (!options.oneWay) this.cuts.set(`${b}>${a}`, mode);
    for (const c of [...this.live]) if ((c.from === a && c.to === b) || (!options.oneWay && c.from === b && c.to === a)) this.stop(c, mode);
  }

  /** Restores the link between a and b (both directions, or a → b only); held connections are ended so etcd redials. */
  heal(a: string, b: string, options: { oneWay?: boolean } = {}): void {
    this.cuts.delete(`${a}>${b}`);
    if (!options.oneWay) this.cuts.delete(`${b}>${a}`);
    this.releaseHealed();
  }

  /** Cuts every link between a member and the other members behind the proxy now (outside dialers still pass). */
  isolate(name: string, options: { mode?: CutMode } = {}): void {
    for (const other of this.members.keys()) if (other !== name) this.cut(name, other, options);
  }

  /** Heals every link of a member. */
  rejoin(name: string): void {
    for (const other of this.members.keys()) if (other !== name) this.heal(name, other);
  }

  /** Splits the members into sides that cannot reach each other; links within a side are untouched. */
  split(sides: string[][], options: { mode?: CutMode } = {}): void {
    sides.forEach((side, i) => {
      for (const other of sides.slice(i + 1)) for (const a of side) for (const b of other) this.cut(a, b, options);
    });
  }

  /** Heals every link. */
  healAll(): void {
    this.cuts.clear();
    this.releaseHealed();
  }

  /** Whether connections dialled by `from` to `to` are cut now ('outside' is never cut). */
  isCut(from: string, to: string): boolean {
    return this.cuts.has(`${from}>${to}`);
  }

  /** The directed links cut now, as [from, to] pairs. */
  cutLinks(): Array<[string, string]> {
    return [...this.cuts.keys()].map((k) => k.split('>') as [string, string]);
  }

  /** The connections open (or held) now. */
  connections(): ProxyConnection[] {
    return [...this.live].map(plain);
  }

  /** Every connection the proxy accepted so far, closed and refused ones included (a test's worth: never trimmed). */
  get history(): ProxyConnection[] {
    return this.accepted.map(plain);
  }

  /** The member names by member id (16-digit hex) the proxy learned from X-Server-From with X-PeerURLs. */
  memberIds(): Map<string, string> {
    return new Map(this.idNames);
  }

  /**
   * Stops listening and ends every connection, those still being identified too (a server's close waits for
   * all of its connections). Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.live) this.end(c);
    const closing = [...this.servers.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(closing);
  }

  private member(name: string): ProxiedMember {
    const found = this.members.get(name);
    if (!found) throw new Error(`${name} is not behind the peer proxy`);
    return found;
  }

  private accept(client: Socket, to: string): void {
    if (this.closed) {
      client.destroy();
      return;
    }
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    let decided = false;
    const decide = (): void => {
      if (decided) return;
      decided = true;
      clearTimeout(timer);
      client.off('data', onData);
      client.pause();
      this.route(client, to, Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= HEAD_LIMIT || Buffer.concat(chunks).includes('\r\n\r\n')) decide();
    };
    const timer = setTimeout(decide, HEAD_WAIT_MS);
    client.on('data', onData);
    client.once('close', () => {
      clearTimeout(timer);
      decided = true;
    });
  }

  private route(client: Socket, to: string, head: Buffer): void {
    if (client.destroyed || this.closed) {
      client.destroy();
      return;
    }
    const request = parseHead(head);
    const byHeader = request && this.senderFromHeaders(request.headers);
    // Synchronous /proc reads, and only where they decide or check something: under a cut etcd redials
    // many times a second, and a queue of async reads in libuv's pool would delay every other probe.
    const headerCut = byHeader && this.cuts.get(`${byHeader}>${to}`);
    const socketOwner = headerCut ? undefined : this.socketOwner(client, byHeader);
    const from = byHeader ?? socketOwner ?? 'outside';
    const c: Live = {
      from,
      to,
      firstRequest: request ? `${request.method} ${request.path}` : '',
      identifiedBy: byHeader ? 'header' : socketOwner ? 'socket' : 'outside',
      socketOwner,
      serverFrom: request?.headers.get('x-server-from'),
      state: 'open',
      client,
      upstream: undefined,
    };
    this.accepted.push(c);
    this.live.add(c);
    client.once('close', () => this.end(c));
    const mode = headerCut || this.cuts.get(`${from}>${to}`);
    if (mode) {
      this.events.push({ at: Date.now(), from, to, event: mode === 'reset' ? 'refused' : 'held' });
      this.stop(c, mode, false);
      return;
    }
    const target = this.member(to).target;
    const upstream = connect(target.port, target.host);
    c.upstream = upstream;
    upstream.on('error', () => this.end(c));
    upstream.once('close', () => this.end(c));
    if (head.length > 0) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    this.events.push({ at: Date.now(), from, to, event: 'forwarded' });
  }

  /** A cut on an open connection: reset both ends, or stop carrying bytes and keep both ends open. */
  private stop(c: Live, mode: CutMode, open = true): void {
    if (c.state === 'closed' || (c.state === 'held' && mode === 'blackhole')) return;
    if (mode === 'reset') {
      if (open) this.events.push({ at: Date.now(), from: c.from, to: c.to, event: 'cut' });
      c.client.resetAndDestroy();
      c.upstream?.resetAndDestroy();
      this.end(c);
      return;
    }
    if (open) this.events.push({ at: Date.now(), from: c.from, to: c.to, event: 'cut' });
    c.state = 'held';
    c.client.unpipe();
    c.upstream?.unpipe();
    // Read and drop: the dialler's writes go nowhere and nothing comes back, as on a link that drops packets.
    c.client.removeAllListeners('data');
    c.upstream?.removeAllListeners('data');
    c.client.on('data', () => undefined);
    c.upstream?.on('data', () => undefined);
    c.client.resume();
    c.upstream?.resume();
  }

  private releaseHealed(): void {
    for (const c of [...this.live])
      if (c.state === 'held' && !this.isCut(c.from, c.to)) {
        this.events.push({ at: Date.now(), from: c.from, to: c.to, event: 'released' });
        this.end(c);
      }
  }

  private end(c: Live): void {
    if (c.state === 'closed') return;
    c.state = 'closed';
    this.live.delete(c);
    c.client.destroy();
    c.upstream?.destroy();
  }

  /** The member that sent a request, from X-PeerURLs (a front of this proxy) or a learned X-Server-From id. */
  private senderFromHeaders(headers: Map<string, string>): string | undefined {
    // etcd writes ids in hex without leading zeros; kept here in 16 digits, as etcdctl prints them.
    const id = headers.get('x-server-from')?.toLowerCase().padStart(16, '0');
    const urls = (headers.get('x-peerurls') ?? '').split(',').map((u) => u.trim());
    for (const [name, m] of this.members)
      if (urls.some((u) => sameFront(u, m.frontPort))) {
        if (id) this.idNames.set(id, name);
        return name;
      }
    return id ? this.idNames.get(id) : undefined;
  }

  /**
   * The member whose etcd process owns the dialling end of this connection: its socket is the one in
   * /proc/net/tcp whose local port is our peer's port and whose remote port is our front, and its inode
   * is one of that process's fds. Undefined when no member owns it (or /proc cannot tell).
   */
  private socketOwner(client: Socket, likely: string | undefined): string | undefined {
    const dialPort = client.remotePort;
    const frontPort = client.localPort;
    if (dialPort === undefined || frontPort === undefined) return undefined;
    // Reading the kernel's table costs milliseconds on a busy host: a burst of connections shares one read. A
    // socket's port pair is unique while it lives, so an entry found in an older read is right if a member
    // still owns its inode; otherwise read again.
    if (this.tcpTable) {
      const inode = findInode(this.tcpTable, dialPort, frontPort);
      const owner = inode && this.inodeOwner(inode, likely);
      if (owner) return owner;
    }
    this.tcpTable = readProc('/proc/net/tcp');
    let inode = findInode(this.tcpTable, dialPort, frontPort);
    if (!inode) {
      this.tcpTable += readProc('/proc/net/tcp6');
      inode = findInode(this.tcpTable, dialPort, frontPort);
    }
    return inode && this.inodeOwner(inode, likely);
  }

  private inodeOwner(inode: string, likely: string | undefined): string | undefined {
    const wanted = `socket:[${inode}]`;
    const candidates = [...this.members.values()].sort((a, b) => Number(b.name === likely) - Number(a.name === likely));
    for (const m of candidates) {
      const pid = m.pid();
      if (pid === undefined) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) if (readProcLink(`/proc/${pid}/fd/${fd}`) === wanted) return m.name;
    }
    return undefined;
  }
}

/** Starts a proxy in front of these members. */
export async function startPeerProxy(members: ProxiedMember[]): Promise<PeerProxy> {
  const proxy = new PeerProxy();
  try {
    for (const m of members) await proxy.add(m);
  } catch (error) {
    await proxy.close();
    throw error;
  }
  return proxy;
}

/** The request line and headers (lower-case names) of an HTTP/1.x request head; undefined for anything else. */
export function parseHead(head: Buffer): { method: string; path: string; headers: Map<string, string> } | undefined {
  const end = head.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = head.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { method: m[1], path: m[2], headers };
}

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function readProcLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function plain({ client: _client, upstream: _upstream, ...rest }: Live): ProxyConnection {
  return rest;
}

function sameFront(url: string, frontPort: number): boolean {
  try {
    const u = new URL(url);
    return Number(u.port) === frontPort && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
  } catch {
    return false;
  }
}

/** The inode of the socket with this local and remote port in a /proc/net/tcp table (ports in hex there). */
function findInode(table: string, localPort: number, remotePort: number): string | undefined {
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = parseInt(f[1].split(':')[1] ?? '', 16);
    const remote = parseInt(f[2].split(':')[1] ?? '', 16);
    if (local === localPort && remote === remotePort && f[9] !== '0') return f[9];
  }
  return undefined;
}
