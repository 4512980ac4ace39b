import { Command } from 'commander';

export function datasetsCommand(): Command {
  return new Command('datasets').description('list and fetch the public datasets biofuse reads');
}
