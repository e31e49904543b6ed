/** Test helper: a Pulumi stack whose configuration is a map and whose engine runs do what each test says. */
import type { ChangeSummary, RunOptions, StackPort } from './stack-port.ts';

export class FakeStack implements StackPort {
  readonly name = 'acme/insitechart/prod';
  readonly config = new Map<string, string>();
  readonly calls: string[] = [];
  /** The configuration as the engine saw it when a preview or update ran. */
  seenByEngine: Map<string, string> | undefined;
  upResult: () => Promise<string> = () => Promise.resolve('succeeded');
  deployed: Record<string, string> | undefined;
  summary: ChangeSummary = { same: 40, update: 1 };
  /** The `--target` of each engine run, in order (undefined: the whole stack). */
  readonly targets: (readonly string[] | undefined)[] = [];

  getConfig(path: string): Promise<string | undefined> {
    this.calls.push(`get ${path}`);
    return Promise.resolve(this.config.get(path));
  }
  setConfig(path: string, value: string): Promise<void> {
    this.calls.push(`set ${path}=${value}`);
    this.config.set(path, value);
    return Promise.resolve();
  }
  removeConfig(path: string): Promise<void> {
    this.calls.push(`rm ${path}`);
    this.config.delete(path);
    return Promise.resolve();
  }
  lastUpdateConfig(): Promise<Readonly<Record<string, string>> | undefined> {
    return Promise.resolve(this.deployed);
  }
  /** The program's outputs of the last update (infra/pulumi/index.ts). */
  stackOutputs: Record<string, unknown> | undefined;
  outputs(): Promise<Readonly<Record<string, unknown>> | undefined> {
    this.calls.push('outputs');
    return Promise.resolve(this.stackOutputs);
  }
  refresh(o: RunOptions): Promise<void> {
    this.calls.push('refresh');
    this.targets.push(o.target);
    return Promise.resolve();
  }
  preview(o: RunOptions): Promise<ChangeSummary> {
    this.calls.push('preview');
    this.targets.push(o.target);
    this.seenByEngine = new Map(this.config);
    o.onOutput('Previewing update (prod)');
    return Promise.resolve(this.summary);
  }
  up(o: RunOptions): Promise<string> {
    this.calls.push('up');
    this.targets.push(o.target);
    this.seenByEngine = new Map(this.config);
    for (let i = 1; i <= 30; i++) o.onOutput(`line ${i}`);
    return this.upResult();
  }
}
