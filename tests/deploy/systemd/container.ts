/**
 * A Debian 12 root booted with systemd-nspawn, for the deploy test under systemd. The host
 * never boots systemd itself: the container's systemd runs as PID 1 of its own PID
 * namespace in ROOT, and commands enter it with nsenter. It shares the host's network, so
 * the test uses ports nothing else uses and stops every service before shutting down.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { REPO } from '../../helpers/run-command';

/** The debootstrapped tarball, apt's .debs, npm's cache and the logs (runs/ is gitignored). */
export const CACHE = join(REPO, 'runs', 'deploy-systemd');
/**
 * The booted root and Bun's package cache live outside the clone: both hold copies of test
 * files (the app's own tests, packages' tests) that a plain `bun test` would pick up.
 */
export const OUTSIDE = '/var/tmp/quiz-deploy-systemd';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface Shell {
  code: number;
  stdout: string;
  stderr: string;
}

/** Why the test cannot run on this machine, or null when it can. */
export function cannotRunReason(): string | null {
  if (process.getuid?.() !== 0) return 'not root (systemd-nspawn and debootstrap need root)';
  if (!Bun.which('systemd-nspawn')) return 'systemd-nspawn is not installed (apt-get install systemd-container)';
  if (!Bun.which('nsenter')) return 'nsenter is not installed (util-linux)';
  if (!existsSync(join(CACHE, 'bookworm-minbase.tar')) && !Bun.which('debootstrap')) {
    return 'debootstrap is not installed and no cached root exists (apt-get install debootstrap)';
  }
  return null;
}

export class Container {
  private nspawn: Subprocess | null = null;
  private pid = 0;
  readonly log: string;

  constructor(readonly root: string) {
    mkdirSync(CACHE, { recursive: true });
    this.log = join(CACHE, 'container.log');
  }

  /** A fresh root from the cached tarball (prepare-root.sh downloads it the first time). */
  static async prepare(root: string): Promise<Container> {
    const child = Bun.spawn(['bash', join(REPO, 'tests/deploy/systemd/prepare-root.sh'), root], { stdout: 'pipe', stderr: 'pipe' });
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    if (code !== 0) throw new Error(`prepare-root.sh failed (${code}): ${out}${err}`);
    return new Container(root);
  }

  note(line: string): void {
    appendFileSync(this.log, `${line}\n`);
  }

  /** Boots systemd in ROOT and waits until it reports running (or degraded). */
  async boot(): Promise<void> {
    const binds = [
      `--bind=${join(CACHE, 'apt-archives')}:/var/cache/apt/archives`,
      `--bind=${join(CACHE, 'npm-cache')}:/root/.npm`,
      `--bind=${join(OUTSIDE, 'bun-cache')}:/root/.bun/install/cache`,
    ];
    this.note(`--- boot ${new Date().toISOString()}`);
    this.nspawn = Bun.spawn(['systemd-nspawn', '-q', '-D', this.root, '--register=no', '--keep-unit', ...binds, '--boot'], {
      stdin: 'ignore',
      stdout: Bun.file(`${this.log}.console`),
      stderr: Bun.file(`${this.log}.console-err`),
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const children = Bun.spawnSync(['pgrep', '-P', String(this.nspawn.pid)]).stdout.toString().trim().split('\n').filter(Boolean);
      if (children.length > 0) {
        this.pid = Number(children[0]);
        const state = await this.sh('systemctl is-system-running --wait', { allowFail: true, quiet: true });
        if (/running|degraded/.test(state.stdout)) return;
      }
      if (this.nspawn.exitCode !== null) throw new Error(`systemd-nspawn exited with ${this.nspawn.exitCode}`);
      await Bun.sleep(500);
    }
    throw new Error('the container did not boot within 60 s');
  }

  /** Runs a bash command as root inside the container, with a clean environment. */
  async sh(command: string, options: { env?: Record<string, string>; allowFail?: boolean; quiet?: boolean } = {}): Promise<Shell> {
    if (!this.pid) throw new Error('the container is not booted');
    const env = Object.entries({ PATH, HOME: '/root', LANG: 'C.UTF-8', ...options.env }).map(([k, v]) => `${k}=${v}`);
    const child = Bun.spawn(['nsenter', '-t', String(this.pid), '-a', '-r', '-w', '--', '/usr/bin/env', '-i', ...env, 'bash', '-c', command], {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    if (!options.quiet) this.note(`$ ${command}\n[exit ${code}]\n${stdout}${stderr ? `[stderr]\n${stderr}` : ''}`);
    if (code !== 0 && !options.allowFail) {
      throw new Error(`in the container: ${command}\nexit ${code}\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
    }
    return { code, stdout, stderr };
  }

  /** Reboots the container: systemd-nspawn exits (133) on a reboot, so it is started again. */
  async reboot(): Promise<void> {
    await this.sh('systemctl reboot', { allowFail: true });
    await this.nspawn?.exited;
    this.pid = 0;
    await this.boot();
  }

  /** Stops every quiz service and Caddy first (they share the host's network), then powers off. */
  async shutdown(): Promise<void> {
    if (this.pid && this.nspawn?.exitCode === null) {
      await this.sh("systemctl stop 'quiz@*.service' quiz.service caddy.service 2>/dev/null; true", { allowFail: true });
      await this.sh('systemctl poweroff', { allowFail: true });
      const done = await Promise.race([this.nspawn.exited.then(() => true), Bun.sleep(30_000).then(() => false)]);
      if (!done) this.nspawn.kill('SIGKILL');
    }
    this.pid = 0;
  }

  /** Deletes the root (after shutdown). */
  remove(): void {
    if (this.pid) throw new Error('shut the container down first');
    Bun.spawnSync(['rm', '-rf', '--one-file-system', this.root]);
  }
}
