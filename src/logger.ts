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
