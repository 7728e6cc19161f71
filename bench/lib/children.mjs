// Forking helpers: each child gets one job, answers once over IPC, and is killed if it lingers.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Forks bench/lib/<script> and resolves with the child and its first IPC message. */
export function forkChild(script, args, { timeoutMs }) {
  const child = fork(join(here, script), args.map(String), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const message = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} gave no answer within ${timeoutMs}ms`));
    }, timeoutMs);
    child.once('message', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code}) before answering`));
    });
  });
  return { child, message };
}

/** Ends a child: disconnect first (it exits by itself), SIGKILL if it has not within 2 s. */
export async function endChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}
