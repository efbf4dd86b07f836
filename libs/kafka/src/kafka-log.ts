import { Logger } from '@nestjs/common';
import { logLevel, LogEntry } from 'kafkajs';

const logger = new Logger('kafkajs');

/** Routes kafkajs' own log lines into the structured logger. */
export const kafkaLogCreator =
  () =>
  ({ level, log }: LogEntry): void => {
    const { message, timestamp: _ts, logger: _l, ...fields } = log;
    const line = { msg: message, ...fields };
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else if (level === logLevel.INFO) logger.log(line);
    else logger.debug(line);
  };
