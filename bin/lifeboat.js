#!/usr/bin/env node
import { main } from '../dist/cli.js';

// Exit explicitly: a client that failed to close must not keep a stopped service alive.
process.exit(await main(process.argv.slice(2)));
