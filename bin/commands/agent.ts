import { agentConfigSchema } from '../../agent/config.js';
import { formatAgentStatus } from '../../agent/agent-status.js';
import { runAgent } from '../../agent/run.js';
import { formatSpoolReport, inspectSpool } from '../../agent/spool/inspect-spool.js';
import { runCommand } from '../run-command.js';

/** `sawmill agent`: tails, parses and ships logs to Kafka until SIGTERM (graceful: flushes and checkpoints). */
export async function agentCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'agent',
    schema: agentConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const agent = await runAgent({ config, logger });
      shutdown.onShutdown('agent', () => agent.stop());
    },
  });
}

/** `sawmill agent status`: reads /metrics of a running agent and prints per-source delivery accounting. */
export async function agentStatusCommand(options: { url?: string }): Promise<void> {
  const base = options.url ?? 'http://127.0.0.1:9405';
  let text: string;
  try {
    const response = await fetch(new URL('/metrics', base));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    process.stderr.write(`sawmill agent status: cannot read ${base}/metrics: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(formatAgentStatus(text));
}

/** `sawmill agent spool inspect --dir D`: lists the spool's segments and verifies every checksum; exit code 2 when damaged. */
export async function spoolInspectCommand(options: { dir: string }): Promise<void> {
  const report = await inspectSpool(options.dir);
  process.stdout.write(formatSpoolReport(report));
  if (!report.ok) process.exitCode = 2;
}
