#!/usr/bin/env node
/**
 * The one command-line entry: `sawmill <command>` starts any part of Sawmill.
 * Each command's module is imported only when that command runs, so `--help` stays fast
 * and a service loads only what it uses.
 */
import { Command } from 'commander';

const program = new Command('sawmill')
  .description('Sawmill: a distributed log observability platform on Kafka, OpenSearch and PostgreSQL')
  .version('0.1.0')
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nConfiguration: every command takes --config <file.yaml>; environment variables\n' +
      'SAWMILL_<COMPONENT>__<KEY>__<SUBKEY> override the file. Unknown keys are refused.',
  );

program
  .command('registry')
  .description('serve the Confluent-compatible schema registry (schemas stored in PostgreSQL)')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/registry.js')).registryCommand(options));

const topics = program.command('topics').description('Kafka topics declared in lib/kafka/topics.ts');
topics
  .command('reconcile')
  .description('create missing topics, raise partition counts and align topic configs with the declared list')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/topics.js')).topicsReconcileCommand(options));
topics
  .command('list')
  .description('print the declared topics with their partitions and purpose')
  .action(async () => (await import('./commands/topics.js')).topicsListCommand());

program
  .command('demo')
  .description('run the demo log source: realistic logs of several services, to files and/or Kafka')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/demo.js')).demoCommand(options));

program
  .command('topology')
  .description('stream topologies built with the topology/ library')
  .command('describe')
  .description('print the sub-topologies, sources, processors, stores and sinks of a topology (Kafka Streams style)')
  .option('--module <file>', 'module that builds the topology (default: the log pipeline, processors/pipeline)')
  .option('--export <name>', 'export holding the Topology or a function returning it', 'buildTopology')
  .option('--mermaid', 'print a Mermaid flowchart instead of text')
  .action(async (options: { module?: string; export?: string; mermaid?: boolean }) =>
    (await import('./commands/topology.js')).topologyDescribeCommand(options),
  );

const agent = program
  .command('agent')
  .description('the log agent: tail files, stdin and HTTP push, parse, ship to Kafka with a disk spool')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/agent.js')).agentCommand(options));
agent
  .command('status')
  .description('per-source delivery accounting of a running agent (read, acknowledged, in flight, spooled, dropped)')
  .option('--url <url>', 'base URL of the agent metrics endpoint', 'http://127.0.0.1:9405')
  .action(async (options: { url?: string }) => (await import('./commands/agent.js')).agentStatusCommand(options));
agent
  .command('spool')
  .description('the agent disk spool')
  .command('inspect')
  .description('list spool segments with record counts and bytes, and verify every checksum (exit 2 when damaged)')
  .requiredOption('--dir <dir>', 'spool directory')
  .action(async (options: { dir: string }) => (await import('./commands/agent.js')).spoolInspectCommand(options));

program
  .command('notifier')
  .description('deliver alert notifications (email, webhook) with grouping, silences, resolved notices and a delivery ledger')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/notifier.js')).notifierCommand(options));

program
  .command('sink')
  .description('run a sink: postgres (log_events, stats_windowed, alerts) or opensearch (daily log indices)')
  .argument('<name>', 'postgres | opensearch')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (name: string, options: { config?: string }) => (await import('./commands/sink.js')).sinkCommand(name, options));

program
  .command('migrate')
  .description('apply the pending PostgreSQL migrations (sinks/postgres/migrations) and print the applied versions')
  .option('-c, --config <file>', 'YAML config file')
  .option('--list', 'print the known migrations without connecting')
  .action(async (options: { config?: string; list?: boolean }) => (await import('./commands/migrate.js')).migrateCommand(options));

const dlq = program.command('dlq').description('dead letters (logs.dlq): list them with their reasons, re-inject them after a fix');
dlq
  .command('list')
  .description('print the newest dead letters, one JSON object per line, with reason and origin')
  .option('-c, --config <file>', 'YAML config file')
  .option('--limit <n>', 'how many (newest first kept)', '20')
  .option('--topic <topic>', 'dead-letter topic (default from config: logs.dlq)')
  .action(async (options: { config?: string; limit?: string; topic?: string }) => (await import('./commands/dlq.js')).dlqListCommand(options));
dlq
  .command('replay')
  .description('send matching dead letters back to their source topics (stores deduplicate on event id)')
  .option('-c, --config <file>', 'YAML config file')
  .option('--reason <text>', 'only letters whose reason contains this text')
  .option('--since <time>', 'only letters whose original record is at or after this ISO time or epoch ms')
  .option('--topic <topic>', 'dead-letter topic (default from config: logs.dlq)')
  .option('--dry-run', 'count without sending')
  .action(async (options: { config?: string; reason?: string; since?: string; topic?: string; dryRun?: boolean }) =>
    (await import('./commands/dlq.js')).dlqReplayCommand(options),
  );

program
  .command('parse')
  .description('read a log file the way the agent and the enrich step do, and print the enriched events as JSON lines (no Kafka)')
  .argument('<file>', 'log file to read (`-` for standard input)')
  .option('--format <format>', 'parser format (auto, json, logfmt, syslog, hdfs, ...); default auto-detection per line')
  .option('--timezone <zone>', 'IANA zone for timestamps written without an offset (default UTC)')
  .option('--year <year>', 'year for timestamps written without one (default: by the observed time)')
  .option('--multiline <preset>', 'join stack traces into one event (preset: java)')
  .option('-c, --config <file>', 'agent config whose source settings (parser, multiline, labels) to use')
  .option('--source <id>', 'source of the agent config to use (default: the first)')
  .addHelpText('after', '\nTimestamps without a year: the latest year at most one day after the observed time, or --year.\nWithout an offset: UTC, or --timezone. Two-digit years are 20yy.')
  .action(async (file: string, options: { format?: string; timezone?: string; year?: string; multiline?: string; config?: string; source?: string }) =>
    (await import('./commands/parse.js')).parseCommand(file, options),
  );

program
  .command('replay')
  .description('rebuild a sink projection from Kafka: a bounded run of the sink with temporary consumer groups, from a position to the end offsets seen at start (idempotent)')
  .requiredOption('--sink <name>', 'postgres | opensearch')
  .requiredOption('--from <position>', 'earliest | epoch ms | ISO time with zone | [topic:]partition:offset,...')
  .option('-c, --config <file>', 'the sink\'s YAML config file (same as sawmill sink <name>)')
  .action(async (options: { sink: string; from: string; config?: string }) => (await import('./commands/replay.js')).replayCommand(options));

const schemas = program.command('schemas').description('Avro schemas of the topics (schemas/avro/) in the schema registry');
schemas
  .command('register')
  .description('register every topic value schema under <topic>-value at BACKWARD compatibility (idempotent; exit 1 with what broke when a change is incompatible)')
  .option('-c, --config <file>', 'YAML config file')
  .option('--registry <url>', 'schema registry base URL (default from config: http://127.0.0.1:8081)')
  .action(async (options: { config?: string; registry?: string }) => (await import('./commands/schemas.js')).schemasRegisterCommand(options));

program
  .command('stream')
  .description('run the log pipeline topology (validate, enrich, window-count, anomaly-detect) on Kafka; metrics and health on :9401')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/stream.js')).streamCommand(options));

program
  .command('canary')
  .description('write a canary line through the agent at an interval and measure ingest-to-searchable latency; metrics on :9407')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/canary.js')).canaryCommand(options));

const api = program
  .command('api')
  .description('serve the REST API (search, live tail, stats, alert rules, alerts, silences) with JWT auth on :8080')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (options: { config?: string }) => (await import('./commands/api.js')).apiCommand(options));
api
  .command('create-user')
  .description('create a user (e.g. the first admin) in PostgreSQL; the password is read from --password-file or the first line of stdin')
  .requiredOption('--username <name>', 'lower-case user name')
  .option('--role <role>', 'viewer | editor | admin', 'admin')
  .option('--password-file <file>', 'file whose first line is the password')
  .option('--if-missing', 'exit 0 without changes when the user exists')
  .option('--postgres-url <url>', 'PostgreSQL URL (default SAWMILL_API__POSTGRES_URL or the local database)')
  .action(async (options: { username: string; role: string; passwordFile?: string; ifMissing?: boolean; postgresUrl?: string }) =>
    (await import('./commands/api.js')).apiCreateUserCommand(options),
  );

program
  .command('config')
  .description('print every config key of a command with its type, default, environment variable and description')
  .argument('<command>', 'registry | topics | demo | agent | schemas | stream | sink-postgres | sink-opensearch | migrate | dlq | notifier | api | canary')
  .action(async (name: string) => (await import('./commands/config.js')).configDescribeCommand(name));

await program.parseAsync(process.argv);
