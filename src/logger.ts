/**
 * pino logger. Logs are JSON and hold ids, verbs and outcomes: never note text, goal text,
 * names or anything a user typed. Redaction below is a second line of defence.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      name: 'refleks',
      level: options.level ?? 'info',
      base: undefined,
      redact: {
        paths: [
          'text',
          'note',
          'name',
          '*.text',
          '*.note',
          '*.name',
          'activity.text',
          'activity.value',
          'activity.from.name',
          'req.headers.authorization',
          'headers.authorization',
          'MicrosoftAppPassword',
          'COSMOS_KEY',
        ],
        censor: '[redacted]',
      },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}

/**
 * A destination that prints each log line for a person reading a terminal (`npm run dev`):
 * time, level and message on one line, the fields after it. pino-pretty is a development
 * dependency, so this is for development only; production logs stay JSON.
 */
export async function createPrettyDestination(destination: NodeJS.WritableStream = process.stdout, colorize = false): Promise<DestinationStream> {
  let build: typeof import('pino-pretty').build;
  try {
    build = (await import('pino-pretty')).build;
  } catch {
    throw new Error('LOG_FORMAT=pretty needs the development dependency pino-pretty (npm install). Use LOG_FORMAT=json in production.');
  }
  return build({ destination, colorize, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'name', singleLine: true });
}
