import { Command } from 'ioredis';

/** Options of every guard command: replies as strings, as defineCommand's would be. */
const REPLY_UTF8 = Object.freeze({ replyEncoding: 'utf8' as const });

/**
 * An ioredis Command built from a flat list of strings. ioredis's constructor
 * copies its arguments through `Array.prototype.flat()` and stringifies them,
 * ~1 µs for the check's 12 arguments here (the largest part of the client's CPU
 * per check beyond a bare SET); this hands the list over as is. Strings only
 * (the constructor's own stringify has already run on its empty list), and only
 * for lists the caller built itself and does not touch again.
 */
export class FlatCommand extends Command {
  constructor(name: string, args: string[]) {
    super(name, [], REPLY_UTF8);
    this.args = args;
  }
}
