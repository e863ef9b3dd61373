// A real redis-server per test run: a random 127.0.0.1 port (or a unix socket) in a fresh
// temp dir, no persistence unless asked (`--save '' --appendonly no`), `noeviction` as
// BullMQ requires. Started from the Debian package (test/redis/install.js installs it).
// Every server started here is killed when the process exits, even when a test failed
// before its after() hook ran.

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RedisServerOptions {
  /** Listen on a unix socket in the temp dir instead of a TCP port. */
  unixSocket?: boolean;
  /** requirepass. */
  password?: string;
  /** Reuse this port (a restart). */
  port?: number;
  /** Reuse this directory (a restart that reloads dump.rdb written by SAVE). */
  dir?: string;
  extraArgs?: string[];
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (the kernel picks it; a tiny race with other processes remains). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
    readonly socket: string | undefined,
    readonly options: RedisServerOptions,
    private ownsDir: boolean,
  ) {}

  /** redis://127.0.0.1:<port> or unix://<socket> (no credentials). */
  get url(): string {
    return this.socket ? `unix://${this.socket}` : `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const ownsDir = !options.dir;
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'qscope-redis-'));
    const port = options.unixSocket ? 0 : options.port ?? (await freePort());
    const socket = options.unixSocket ? path.join(dir, 'redis.sock') : undefined;
    const args = [
      '--bind', '127.0.0.1',
      '--port', String(port),
      '--dir', dir,
      '--save', '',
      '--appendonly', 'no',
      '--maxmemory-policy', 'noeviction',
      '--protected-mode', 'no',
      ...(socket ? ['--unixsocket', socket, '--unixsocketperm', '700'] : []),
      ...(options.password ? ['--requirepass', options.password] : []),
      ...(options.extraArgs ?? []),
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer): void => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('error', (err) => reject(new Error(`cannot start redis-server (run node test/redis/install.js): ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${out}`)));
    });
    child.stdout?.resume();
    child.stderr?.resume();
    return new RedisServer(child, dir, port, socket, options, ownsDir);
  }

  /** SIGKILL (no SAVE) and wait for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    await exited;
  }

  /** Start a new server on the same port/socket and directory (it loads dump.rdb if a SAVE wrote one). */
  async restart(): Promise<RedisServer> {
    await this.kill();
    const next = await RedisServer.start({ ...this.options, port: this.port || undefined, dir: this.dir });
    next.ownsDir = this.ownsDir; // the new server cleans up the directory this one created
    return next;
  }

  /** Stop and remove the temp dir (when this server created it). */
  async stop(): Promise<void> {
    await this.kill();
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
