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
  .requiredOption('--module <file>', 'module that builds the topology')
  .option('--export <name>', 'export holding the Topology or a function returning it', 'buildTopology')
  .option('--mermaid', 'print a Mermaid flowchart instead of text')
  .action(async (options: { module: string; export?: string; mermaid?: boolean }) =>
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
  .command('config')
  .description('print every config key of a command with its type, default, environment variable and description')
  .argument('<command>', 'registry | topics | demo | agent')
  .action(async (name: string) => (await import('./commands/config.js')).configDescribeCommand(name));

await program.parseAsync(process.argv);
