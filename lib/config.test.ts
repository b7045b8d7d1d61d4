import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  describeConfig,
  envSegment,
  formatConfigDescription,
  loadConfig,
  MAX_CONFIG_FILE_BYTES,
} from './config.js';
import { ConfigError } from './errors.js';

const schema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1').describe('Address the HTTP server binds to.'),
        port: z.number().int().min(1).max(65535).default(8080).describe('Port the HTTP server listens on.'),
      })
      .strict()
      .prefault({})
      .describe('HTTP server.'),
    kafka: z
      .object({
        brokers: z.array(z.string()).min(1).describe('Bootstrap brokers, host:port.'),
        clientId: z.string().describe('Client id sent to the brokers.'),
        idempotent: z.boolean().default(true).describe('Use the idempotent producer.'),
      })
      .strict()
      .describe('Kafka connection.'),
    postgres: z
      .object({
        password: z.string().describe('Database password.'),
        statementTimeoutMs: z.number().default(30000).describe('Statement timeout in milliseconds.'),
      })
      .strict()
      .optional()
      .describe('PostgreSQL connection.'),
    format: z.enum(['json', 'pretty']).default('json').describe('Log output format.'),
    labels: z.record(z.string(), z.string()).default({}).describe('Extra labels on every event.'),
  })
  .strict();

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail('expected a ConfigError');
}

describe('lib/config loadConfig', () => {
  let dir: string;
  const write = (name: string, content: string | Buffer): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const validKafka = 'kafka:\n  brokers: [127.0.0.1:9092]\n  clientId: test\n';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sawmill-config-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses a valid file and fills the defaults, nested ones included', () => {
    const file = write('ok.yaml', validKafka);
    const config = loadConfig(schema, { file, envPrefix: 'test', env: {} });
    expect(config).to.deep.equal({
      server: { host: '127.0.0.1', port: 8080 },
      kafka: { brokers: ['127.0.0.1:9092'], clientId: 'test', idempotent: true },
      format: 'json',
      labels: {},
    });
  });

  it('rejects an unknown top-level key in the file, naming the file and the key', () => {
    const file = write('unknown.yaml', `${validKafka}verbose: true\n`);
    const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
    expect(error.message).to.equal(
      `config error in ${file} at "verbose": unknown key "verbose" (expected one of: server, kafka, postgres, format, labels)`,
    );
    expect(error.source).to.equal(file);
    expect(error.key).to.equal('verbose');
  });

  it('rejects an unknown nested key and suggests the near miss', () => {
    const file = write('nested.yaml', `${validKafka}server:\n  prot: 80\n`);
    const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
    expect(error.message).to.equal(
      `config error in ${file} at "server.prot": unknown key "prot", did you mean "port"? (expected one of: host, port)`,
    );
  });

  it('reports a wrong type with the expected and the received value', () => {
    const file = write('type.yaml', `${validKafka}server:\n  port: eighty\n`);
    const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
    expect(error.message).to.equal(`config error in ${file} at "server.port": expected number, received string ("eighty")`);
    expect(error.key).to.equal('server.port');
  });

  it('names list items by index', () => {
    const file = write('list.yaml', 'kafka:\n  brokers: [a, 5]\n  clientId: x\n');
    const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
    expect(error.message).to.equal(`config error in ${file} at "kafka.brokers[1]": expected string, received number (5)`);
  });

  it('reports a missing required key and the variable that could set it', () => {
    const file = write('missing.yaml', 'kafka:\n  brokers: [a]\n');
    const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
    expect(error.message).to.equal(
      `config error in ${file} at "kafka.clientId": expected string, received nothing (required key is missing; set it in the file or with SAWMILL_TEST__KAFKA__CLIENT_ID)`,
    );
  });

  it('collects every problem into one message, one line each', () => {
    const file = write(
      'many.yaml',
      'server:\n  port: 0\n  extra: 1\nkafka:\n  brokers: []\nformat: xml\n',
    );
    const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
    const lines = error.message.split('\n');
    expect(lines).to.have.length(5);
    for (const line of lines) expect(line.startsWith(`config error in ${file} at "`)).to.equal(true);
    expect(error.message).to.include('"server.port": expected number with >= 1, received number (0)');
    expect(error.message).to.include('"server.extra": unknown key "extra"');
    expect(error.message).to.include('"kafka.brokers": expected array with item count >= 1, received array (0 items)');
    expect(error.message).to.include('"kafka.clientId": expected string, received nothing');
    expect(error.message).to.include('"format": expected one of "json" | "pretty", received string ("xml")');
  });

  it('never echoes the value of a secret key', () => {
    const file = write('secret.yaml', `${validKafka}postgres:\n  password: 123456\n`);
    const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
    expect(error.message).to.equal(`config error in ${file} at "postgres.password": expected string, received number ([redacted])`);
    expect(error.message).not.to.include('123456');
  });

  describe('environment overlay', () => {
    it('wins over the file, key by key, with values typed by the schema', () => {
      const file = write('env.yaml', `${validKafka}server:\n  port: 80\n  host: 0.0.0.0\n`);
      const config = loadConfig(schema, {
        file,
        envPrefix: 'test',
        env: {
          SAWMILL_TEST__SERVER__PORT: '9090',
          SAWMILL_TEST__KAFKA__BROKERS: 'k1:9092, k2:9092',
          SAWMILL_TEST__KAFKA__IDEMPOTENT: 'false',
          SAWMILL_TEST__POSTGRES__PASSWORD: '0123',
          SAWMILL_TEST__POSTGRES__STATEMENT_TIMEOUT_MS: '1.5e3',
          SAWMILL_TEST__LABELS__TEAM: 'core',
        },
      });
      expect(config.server).to.deep.equal({ host: '0.0.0.0', port: 9090 });
      expect(config.kafka).to.deep.equal({ brokers: ['k1:9092', 'k2:9092'], clientId: 'test', idempotent: false });
      // A string key keeps the raw text: YAML would have made 0123 a number.
      expect(config.postgres).to.deep.equal({ password: '0123', statementTimeoutMs: 1500 });
      expect(config.labels).to.deep.equal({ team: 'core' });
    });

    it('works without a file, and an empty value is an empty list', () => {
      const config = loadConfig(schema, {
        envPrefix: 'test',
        env: { SAWMILL_TEST__KAFKA__BROKERS: 'a', SAWMILL_TEST__KAFKA__CLIENT_ID: 'c', SAWMILL_TEST__FORMAT: 'pretty' },
      });
      expect(config.kafka.brokers).to.deep.equal(['a']);
      expect(config.format).to.equal('pretty');
      const schemaWithList = z.object({ tags: z.array(z.string()).default(['x']).describe('tags') }).strict();
      expect(loadConfig(schemaWithList, { envPrefix: 'test', env: { SAWMILL_TEST__TAGS: '' } }).tags).to.deep.equal([]);
    });

    it('ignores variables outside its prefix', () => {
      const file = write('ok.yaml', validKafka);
      const config = loadConfig(schema, {
        file,
        envPrefix: 'test',
        env: { SAWMILL_OTHER__SERVER__PORT: '1', SAWMILL_TEST_SERVER__PORT: '2', SAWMILL_LOG_LEVEL: 'debug' },
      });
      expect(config.server.port).to.equal(8080);
    });

    it('rejects a variable naming an unknown key, naming the variable', () => {
      const file = write('ok.yaml', validKafka);
      const error = configError(() =>
        loadConfig(schema, { file, envPrefix: 'test', env: { SAWMILL_TEST__SERVER__PROT: '80' } }),
      );
      expect(error.message).to.equal(
        'config error in SAWMILL_TEST__SERVER__PROT at "server.PROT": unknown key "PROT", did you mean "PORT"? (expected one of: HOST, PORT)',
      );
      expect(error.source).to.equal('SAWMILL_TEST__SERVER__PROT');
    });

    it('rejects a variable that sets a whole section or goes below a leaf', () => {
      const file = write('ok.yaml', validKafka);
      const error = configError(() =>
        loadConfig(schema, {
          file,
          envPrefix: 'test',
          env: { SAWMILL_TEST__SERVER: 'x', SAWMILL_TEST__SERVER__PORT__X: '1', SAWMILL_TEST__server__port: '1' },
        }),
      );
      const lines = error.message.split('\n');
      expect(lines).to.have.length(3);
      expect(error.message).to.include('config error in SAWMILL_TEST__SERVER at "server": a whole section (object) cannot be set');
      expect(error.message).to.include('config error in SAWMILL_TEST__SERVER__PORT__X at "server.port": "server.port" (integer) has no sub-key "X"');
      expect(error.message).to.include('config error in SAWMILL_TEST__server__port: malformed variable name');
    });

    it('names the variable, not the file, when the variable holds the wrong type', () => {
      const file = write('ok.yaml', validKafka);
      const error = configError(() =>
        loadConfig(schema, { file, envPrefix: 'test', env: { SAWMILL_TEST__SERVER__PORT: 'eighty' } }),
      );
      expect(error.message).to.equal(
        'config error in SAWMILL_TEST__SERVER__PORT at "server.port": expected number, received string ("eighty")',
      );
    });

    it('maps camelCase keys to SCREAMING_SNAKE segments', () => {
      expect(envSegment('statementTimeoutMs')).to.equal('STATEMENT_TIMEOUT_MS');
      expect(envSegment('apiURL')).to.equal('API_URL');
      expect(envSegment('URLPath')).to.equal('URL_PATH');
      expect(envSegment('http2Enabled')).to.equal('HTTP2_ENABLED');
      expect(envSegment('already_snake')).to.equal('ALREADY_SNAKE');
    });
  });

  describe('hostile or broken files', () => {
    it('names the file, line and column of a YAML syntax error', () => {
      const file = write('syntax.yaml', 'server:\n  port: 80\n  host: a: b\n');
      const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
      expect(error.message).to.equal(
        `config error in ${file} at line 3, column 9: YAML syntax error: Nested mappings are not allowed in compact mappings`,
      );
      expect(error.source).to.equal(file);
    });

    it('rejects duplicate keys with their line', () => {
      const file = write('dup.yaml', `${validKafka}format: json\nformat: pretty\n`);
      const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
      expect(error.message).to.equal(`config error in ${file} at line 5, column 1: YAML syntax error: Map keys must be unique`);
    });

    it('fails on a missing file that was named explicitly', () => {
      const file = join(dir, 'absent.yaml');
      const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
      expect(error.message).to.equal(`config error in ${file}: file not found`);
    });

    it('refuses a directory or a device in place of a file', () => {
      expect(configError(() => loadConfig(schema, { file: dir, envPrefix: 'test', env: {} })).message).to.equal(
        `config error in ${dir}: not a regular file`,
      );
      expect(configError(() => loadConfig(schema, { file: '/dev/zero', envPrefix: 'test', env: {} })).message).to.equal(
        'config error in /dev/zero: not a regular file',
      );
    });

    it('refuses a file over 1 MiB without parsing it', () => {
      const file = write('big.yaml', `# ${'x'.repeat(MAX_CONFIG_FILE_BYTES)}\n`);
      const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
      expect(error.message).to.match(/the file is \d+ bytes, over the 1048576-byte limit$/);
    });

    it('refuses a YAML alias bomb', () => {
      let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i < 10; i += 1) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
      const file = write('bomb.yaml', bomb);
      const started = Date.now();
      const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
      expect(error.message).to.equal(`config error in ${file}: too many YAML alias expansions (over 100); refusing a possible alias bomb`);
      expect(Date.now() - started).to.be.below(2000);
    });

    it('still accepts a few honest aliases', () => {
      const file = write('alias.yaml', 'kafka:\n  brokers: &b [a, b]\n  clientId: x\nlabels: {l1: &v v, l2: *v}\n');
      expect(loadConfig(schema, { file, envPrefix: 'test', env: {} }).labels).to.deep.equal({ l1: 'v', l2: 'v' });
    });

    it('refuses a top level that is not a mapping', () => {
      const list = write('list.yaml', '- a\n- b\n');
      expect(configError(() => loadConfig(schema, { file: list, envPrefix: 'test', env: {} })).message).to.equal(
        `config error in ${list}: expected a mapping of keys at the top level, received array`,
      );
      const scalar = write('scalar.yaml', 'hello\n');
      expect(configError(() => loadConfig(schema, { file: scalar, envPrefix: 'test', env: {} })).message).to.equal(
        `config error in ${scalar}: expected a mapping of keys at the top level, received string`,
      );
    });

    it('treats an empty or comment-only file as an empty mapping', () => {
      const small = z.object({ port: z.number().default(1).describe('p') }).strict();
      for (const content of ['', '# nothing here\n', '---\n']) {
        const file = write('empty.yaml', content);
        expect(loadConfig(small, { file, envPrefix: 'test', env: {} })).to.deep.equal({ port: 1 });
      }
    });

    it('refuses bytes that are not UTF-8', () => {
      const file = write('latin1.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
      expect(configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} })).message).to.equal(
        `config error in ${file}: the file is not valid UTF-8`,
      );
    });

    it('rejects __proto__ as an unknown key without polluting prototypes', () => {
      const file = write('proto.yaml', `${validKafka}__proto__: {polluted: true}\n`);
      const error = configError(() => loadConfig(schema, { file, envPrefix: 'test', env: {} }));
      expect(error.message).to.include('at "__proto__": unknown key "__proto__"');
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });
  });
});

describe('lib/config describeConfig', () => {
  it('lists every key with type, default, description and variable', () => {
    const entries = describeConfig(schema, { envPrefix: 'test' });
    const byKey = new Map(entries.map((entry) => [entry.key, entry]));
    expect([...byKey.keys()]).to.deep.equal([
      'server',
      'server.host',
      'server.port',
      'kafka',
      'kafka.brokers',
      'kafka.clientId',
      'kafka.idempotent',
      'postgres',
      'postgres.password',
      'postgres.statementTimeoutMs',
      'format',
      'labels',
    ]);
    expect(byKey.get('server.port')).to.deep.equal({
      key: 'server.port',
      type: 'integer',
      required: false,
      hasDefault: true,
      defaultValue: 8080,
      description: 'Port the HTTP server listens on.',
      env: 'SAWMILL_TEST__SERVER__PORT',
    });
    expect(byKey.get('kafka.brokers')).to.include({ type: 'string[]', required: true, env: 'SAWMILL_TEST__KAFKA__BROKERS' });
    expect(byKey.get('format')).to.include({ type: '"json" | "pretty"', defaultValue: 'json' });
    expect(byKey.get('postgres')).to.include({ type: 'object', required: false, description: 'PostgreSQL connection.' });
    expect(byKey.get('postgres.statementTimeoutMs')?.env).to.equal('SAWMILL_TEST__POSTGRES__STATEMENT_TIMEOUT_MS');
    for (const entry of entries) expect(entry.description, entry.key).not.to.equal('');

    const text = formatConfigDescription(entries);
    expect(text).to.include('server.port  (integer, default 8080, env SAWMILL_TEST__SERVER__PORT)\n    Port the HTTP server listens on.');
  });
});
