import type { CliCommand, CommandHelp } from './cli-command';
import { checkProductionConfig, loadConfig, type Config, type ServiceName } from './config';
import { describeError } from './errors';
import { createLogger, type LogFormat, type Logger, type LogLevel } from './logger';

export interface ServiceMain {
  /** Shown by `meterflow <service> --help` (core/cli-command.ts formatHelp). */
  help: CommandHelp;
  /** Starts the service; returns its stop function (drain and close). */
  start(config: Config, logger: Logger): Promise<() => Promise<void>>;
}

/** A long-running service as a command: no flags (it is configured by MF_* variables). */
export function serviceCommand(name: ServiceName, main: ServiceMain): CliCommand {
  return {
    help: main.help,
    run: () => {
      runService(name, main);
      return undefined;
    },
  };
}

/**
 * Common life cycle of every long-running service: config validated once (errors name
 * the variable), production secrets checked (core/config/production-mode.ts), clean start and
 * stop messages, graceful drain on SIGTERM/SIGINT, a second signal forces exit.
 */
export function runService(name: ServiceName, main: ServiceMain): void {
  let config: Config;
  try {
    config = loadConfig();
    // Before anything connects: a production service with a placeholder secret never runs.
    checkProductionConfig(config, name);
  } catch (error) {
    process.stderr.write(`${name}: ${describeError(error)}\n`);
    process.exit(2);
  }
  const logger = createLogger(name, { level: config.string('MF_LOG_LEVEL') as LogLevel, format: config.string('MF_LOG_FORMAT') as LogFormat });
  // Log lines are written asynchronously: every exit waits for them.
  const exit = (code: number) => void (logger.flush?.() ?? Promise.resolve()).then(() => process.exit(code));
  main
    .start(config, logger)
    .then((stop) => {
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) {
          logger.warn('signal again: exiting without draining', { signal });
          exit(1);
          return;
        }
        stopping = true;
        logger.info('shutdown requested; draining', { signal });
        stop().then(
          () => {
            logger.info('stopped', { signal });
            exit(0);
          },
          (error: unknown) => {
            logger.error('shutdown failed', { error });
            exit(1);
          },
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
    })
    .catch((error: unknown) => {
      logger.error('cannot start', { error });
      exit(1);
    });
}
