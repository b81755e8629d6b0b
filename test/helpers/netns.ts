/**
 * Other "hosts" on this machine for tests of several machines: Linux network namespaces, each joined
 * to this one by a veth pair with a /30 of its own (10.213.0.0/16, never an outside address).
 * Needs root and `ip netns` (iproute2): `netnsSkip` skips without them only when CI is unset.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';

export function netnsSkip(): string | false {
  if (process.env.CI !== undefined) return false;
  if (process.getuid?.() !== 0) return 'network namespaces need root (under CI this fails)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return false;
  } catch {
    return '`ip netns` is not available (iproute2; under CI this fails)';
  }
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

export interface NetnsHost {
  /** The namespace's name, for `ip netns exec`. */
  readonly namespace: string;
  /** This machine's end of the link, as the namespace reaches it. */
  readonly hostAddress: string;
  /** The namespace's own address, as this machine reaches it. */
  readonly address: string;
  /** Takes the link down (the host drops off the network) or brings it back. */
  cut(): void;
  restore(): void;
  remove(): void;
}

/** A new namespace with a veth link to this one. */
export function createNetnsHost(): NetnsHost {
  const tag = randomBytes(3).toString('hex');
  const namespace = `arco${tag}`;
  const hostSide = `vh${tag}`;
  const nsSide = `vn${tag}`;
  const bytes = randomBytes(2);
  // A random /30 inside 10.213.0.0/16, so hosts made by concurrent tests do not collide.
  const base = `10.213.${bytes[0] ?? 0}.${((bytes[1] ?? 0) & 0xfc) % 252}`;
  const [a, b, c] = base.split('.');
  const last = Number(base.split('.')[3]);
  const hostAddress = `${a}.${b}.${c}.${last + 1}`;
  const address = `${a}.${b}.${c}.${last + 2}`;
  ip('netns', 'add', namespace);
  ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
  ip('link', 'set', nsSide, 'netns', namespace);
  ip('addr', 'add', `${hostAddress}/30`, 'dev', hostSide);
  ip('link', 'set', hostSide, 'up');
  ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${address}/30`, 'dev', nsSide);
  ip('netns', 'exec', namespace, 'ip', 'link', 'set', nsSide, 'up');
  ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
  return {
    namespace,
    hostAddress,
    address,
    cut: () => void ip('link', 'set', hostSide, 'down'),
    restore: () => void ip('link', 'set', hostSide, 'up'),
    remove: () => {
      try {
        ip('netns', 'del', namespace);
      } catch {
        // Already gone.
      }
      try {
        ip('link', 'del', hostSide);
      } catch {
        // Deleting the namespace removed the pair.
      }
    },
  };
}

/**
 * A TCP relay on `listenHost` to `target` (host:port). PostgreSQL in CI listens on loopback only, so
 * a namespace reaches it through a relay on this machine's end of its link: the traffic crosses
 * the veth hop, and the relay only copies bytes.
 */
export async function tcpRelay(listenHost: string, target: { host: string; port: number }): Promise<{ port: number; close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(target.port, target.host);
    open.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      open.delete(inbound);
      open.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, listenHost, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the relay has no TCP port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Relayed connections still open would keep close() waiting.
        for (const socket of open) socket.destroy();
      }),
  };
}
