import { riskRank, type Risk } from '../types.ts';

export interface DryRunSettings {
  /** Everything runs dry: actions are planned, published and audited, nothing is changed. */
  readonly all: boolean;
  /** Actions nobody approved run for real only up to this risk; 'none': every unapproved action runs dry. */
  readonly liveMaxRisk: Risk | 'none';
}

/** Whether an action runs dry. A person's approval makes an action live unless everything runs dry. */
export function runsDry(settings: DryRunSettings, risk: Risk, approved: boolean): boolean {
  if (settings.all) return true;
  if (approved) return false;
  return settings.liveMaxRisk === 'none' || riskRank(risk) > riskRank(settings.liveMaxRisk);
}
