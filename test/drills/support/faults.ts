/**
 * Fault injection for the failure drills, all of it real: the machine's PostgreSQL server and the
 * stack's OpenSearch stopped and started the way infra/local starts them, PostgreSQL backends
 * terminated, small tmpfs file systems that fill up and can be grown in place, a tablespace on
 * such a file system, and a Kafka produce quota that makes the broker take less than a client
 * sends.
 *
 * Stopping PostgreSQL or OpenSearch stops a service every helper on the machine shares: callers
 * run under `flock -x /tmp/sawmill-machine.lock` and restart in `after`/finally (each start is
 * idempotent and waits until the service answers).
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { waitFor } from '../../support/wait-for.js';

const run = promisify(execFile);

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const OPENSEARCH_SCRIPT = resolve(REPO_ROOT, 'infra/local/components/opensearch.sh');
const KAFKA_LIBS = resolve(REPO_ROOT, process.env['KAFKA_LIBS'] ?? '.local/opt/kafka/libs');

/** The maintenance database of the machine's server (trust auth, user postgres). */
export const POSTGRES_ADMIN_URL = process.env['DRILL_POSTGRES_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The stack's OpenSearch. */
export const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';

// ---------------------------------------------------------------------------------------------
// Pure helpers (unit-tested in faults.test.ts)

/** The newest cluster version among the names under /etc/postgresql (`16`, `9.6`…), compared numerically, as postgres.sh's `sort -V | tail -1`. */
export function newestClusterVersion(names: readonly string[]): string {
  const versions = names.filter((n) => /^\d+(\.\d+)*$/.test(n));
  if (versions.length === 0) throw new Error(`no PostgreSQL cluster version among ${JSON.stringify(names)} (expected e.g. "16")`);
  const parts = (v: string): number[] => v.split('.').map(Number);
  return versions.reduce((best, v) => {
    const [a, b] = [parts(v), parts(best)];
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      const diff = (a[i] ?? 0) - (b[i] ?? 0);
      if (diff !== 0) return diff > 0 ? v : best;
    }
    return best;
  });
}

/** `-o` value of a tmpfs mount of `sizeBytes` (whole KiB, at least 64 KiB so the kernel accepts it); `mode` as octal digits. */
export function tmpfsMountOptions(sizeBytes: number, mode = '0755'): string {
  if (!Number.isFinite(sizeBytes) || sizeBytes < 64 * 1024) throw new RangeError(`tmpfs size ${sizeBytes} B: at least 65536 B`);
  if (!/^[0-7]{3,4}$/.test(mode)) throw new RangeError(`tmpfs mode ${mode}: octal digits expected`);
  return `size=${Math.ceil(sizeBytes / 1024)}k,mode=${mode}`;
}

/** The SQL that terminates every backend connected to `database` except the caller's own, with its one parameter. */
export function terminateBackendsQuery(database: string): { text: string; values: [string] } {
  if (database === '' || database === 'postgres') throw new Error(`refusing to terminate the backends of database ${JSON.stringify(database)}`);
  return {
    text: 'SELECT count(*)::int AS terminated FROM (SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) t WHERE done',
    values: [database],
  };
}

/** Arguments of Kafka's ConfigCommand that set (bytes/s) or remove (undefined) the produce quota of one client id. */
export function produceQuotaArgs(bootstrap: string, clientId: string, bytesPerS: number | undefined): string[] {
  if (clientId.trim() === '') throw new Error('a produce quota needs a client id (an empty one would be the default entity)');
  if (bytesPerS !== undefined && (!Number.isInteger(bytesPerS) || bytesPerS < 1)) throw new RangeError(`produce quota ${bytesPerS}: a positive whole number of bytes/s`);
  const change = bytesPerS === undefined ? ['--delete-config', 'producer_byte_rate'] : ['--add-config', `producer_byte_rate=${bytesPerS}`];
  return ['--bootstrap-server', bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', clientId, ...change];
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (the machine's server, as infra/local/components/postgres.sh starts it)

async function pgCtlCluster(action: 'start' | 'stop'): Promise<void> {
  const version = newestClusterVersion(await readdir('/etc/postgresql'));
  // --skip-systemctl-redirect: no systemd here; `-m fast` on stop disconnects clients at once, as a crash of the server would.
  const extra = action === 'stop' ? ['--', '-m', 'fast'] : [];
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...extra], { timeout: 120_000 });
}

/** True when the server accepts connections (`pg_isready`). */
export async function postgresAnswers(): Promise<boolean> {
  try {
    await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Stops the machine's PostgreSQL server (fast shutdown) and waits until it no longer answers. */
export async function stopPostgres(): Promise<void> {
  if (await postgresAnswers()) await pgCtlCluster('stop');
  await waitFor('PostgreSQL to stop answering', async () => !(await postgresAnswers()), { timeoutMs: 60_000, intervalMs: 200 });
}

/** Starts the machine's PostgreSQL server unless it answers already, and waits until it does (idempotent: for `after`). */
export async function startPostgres(timeoutMs = 60_000): Promise<void> {
  if (await postgresAnswers()) return;
  try {
    await pgCtlCluster('start');
  } catch (error) {
    // "already running" while still in recovery: the wait below decides.
    if (!/already running/i.test(String((error as { stderr?: unknown }).stderr ?? error))) throw error;
  }
  await waitFor('PostgreSQL to answer', postgresAnswers, { timeoutMs, intervalMs: 200 });
}

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** `pg_terminate_backend` for every connection to `database` (the drill's sinks, the registry if it uses it); returns how many were terminated. */
export async function terminatePostgresBackends(database: string): Promise<number> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ terminated: number }>(terminateBackendsQuery(database));
    return rows[0]?.terminated ?? 0;
  });
}

/** Number of connections to `database` right now. */
export async function postgresConnections(database: string): Promise<number> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return rows[0]?.n ?? 0;
  });
}

/** Creates tablespace `name` at `dir` (the directory must exist, be empty and belong to the postgres user). */
export async function createTablespace(name: string, dir: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query(`CREATE TABLESPACE ${client.escapeIdentifier(name)} LOCATION ${client.escapeLiteral(dir)}`);
  });
}

/** Drops tablespace `name` if it exists (every database and table in it must be gone first). */
export async function dropTablespace(name: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query(`DROP TABLESPACE IF EXISTS ${client.escapeIdentifier(name)}`);
  });
}

// ---------------------------------------------------------------------------------------------
// OpenSearch (the stack's node, through its component script)

/** True when the cluster health answers yellow or green. */
export async function openSearchAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`${OPENSEARCH_URL}/_cluster/health`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return false;
    const { status } = (await response.json()) as { status?: string };
    return status === 'green' || status === 'yellow';
  } catch {
    return false;
  }
}

/** Stops the stack's OpenSearch (SIGTERM, `opensearch.sh stop`) and waits until it no longer answers. */
export async function stopOpenSearch(): Promise<void> {
  await run(OPENSEARCH_SCRIPT, ['stop'], { timeout: 120_000 });
  await waitFor('OpenSearch to stop answering', async () => !(await openSearchAnswers()), { timeoutMs: 30_000, intervalMs: 200 });
}

/** Starts the stack's OpenSearch (`opensearch.sh start`, idempotent; it waits for health yellow) and checks it answers. */
export async function startOpenSearch(): Promise<void> {
  await run(OPENSEARCH_SCRIPT, ['start'], { timeout: 240_000 });
  await waitFor('OpenSearch health yellow', openSearchAnswers, { timeoutMs: 30_000, intervalMs: 200 });
}

// ---------------------------------------------------------------------------------------------
// Small file systems

/** A tmpfs mounted by a drill: it fills up for real (ENOSPC) and can be grown without unmounting. */
export interface SmallTmpfs {
  readonly dir: string;
  /** Current size limit, bytes. */
  sizeBytes(): number;
  /** Free bytes as the kernel reports them. */
  freeBytes(): Promise<number>;
  /** `mount -o remount,size=…`: files stay, writers get space again. */
  grow(sizeBytes: number): Promise<void>;
  /** Unmounts (lazily if busy); safe to call twice. */
  unmount(): Promise<void>;
}

/** Mounts a tmpfs of `sizeBytes` at `dir` (created if missing); `owner` (e.g. `postgres`) gets the mount root. Root only. */
export async function mountSmallTmpfs(dir: string, sizeBytes: number, options: { owner?: string; mode?: string } = {}): Promise<SmallTmpfs> {
  if (process.getuid?.() !== 0) throw new Error('mounting a tmpfs needs root');
  await mkdir(dir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', tmpfsMountOptions(sizeBytes, options.mode ?? '0755'), 'tmpfs', dir]);
  let size = sizeBytes;
  let mounted = true;
  try {
    if (options.owner !== undefined) await run('chown', [`${options.owner}:${options.owner}`, dir]);
  } catch (error) {
    await run('umount', [dir]);
    throw error;
  }
  return {
    dir,
    sizeBytes: () => size,
    freeBytes: async () => {
      const s = await statfs(dir);
      return s.bavail * s.bsize;
    },
    grow: async (bytes) => {
      await run('mount', ['-o', `remount,size=${Math.ceil(bytes / 1024)}k`, dir]);
      size = bytes;
    },
    unmount: async () => {
      if (!mounted) return;
      try {
        await run('umount', [dir]);
      } catch {
        // A process still holds a file there (a killed service's descriptor): detach now, freed when closed.
        await run('umount', ['-l', dir]);
      }
      mounted = false;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Kafka produce quota (the broker takes at most N bytes/s from one client id)

async function configCommand(args: readonly string[]): Promise<void> {
  await run('java', ['-Xmx256m', '-cp', `${KAFKA_LIBS}/*`, 'kafka.admin.ConfigCommand', ...args], { timeout: 120_000 });
}

/**
 * Sets a produce quota on `clientId`: the broker throttles that client (KIP-219: answers with a
 * throttle time and mutes its connection), so it takes less than the client sends, exactly as a
 * saturated cluster would, while every other client keeps its speed. Applies within a second.
 */
export async function throttleKafkaProducer(bootstrap: string, clientId: string, bytesPerS: number): Promise<void> {
  await configCommand(produceQuotaArgs(bootstrap, clientId, bytesPerS));
}

/** Removes the produce quota of `clientId` (idempotent: for `after`). */
export async function unthrottleKafkaProducer(bootstrap: string, clientId: string): Promise<void> {
  try {
    await configCommand(produceQuotaArgs(bootstrap, clientId, undefined));
  } catch (error) {
    // Deleting a quota that was never set fails with "…doesn't have config producer_byte_rate" or similar; nothing to undo then.
    if (!/producer_byte_rate|not exist|no (?:such )?config/i.test(String((error as { stderr?: unknown }).stderr ?? error))) throw error;
  }
}
