import { helpLines, READ_ONLY_SUBCOMMAND_LIST } from '../command-usage.js';

/** `/dr help`: every subcommand with what it does, and who may do what. */
export function helpMessage(command: string): { text: string } {
  return {
    text: [
      `*Lifeboat* — disaster recovery from Slack. \`${command}\` commands:`,
      ...helpLines(command),
      `Anyone can run ${READ_ONLY_SUBCOMMAND_LIST}; everything else needs a Lifeboat operator. ` +
        '`failover`, `restore`, `resume`, `revert-dns` and `statuspage` always need a second person to approve.',
    ].join('\n'),
  };
}
