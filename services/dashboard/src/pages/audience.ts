/** Audience and timing: silent disengagement, frequency, the send-time heat map and messaging CLV. */
import type { PageContext } from '../context.ts';
import { h } from '../ui/dom.ts';
import { frequencySection } from './audience/frequency.ts';
import { sendTimeSection } from './audience/send-time.ts';
import { silentSection } from './audience/silent.ts';
import { valueSection } from './audience/value.ts';

export function audiencePage(root: HTMLElement, ctx: PageContext): void {
  root.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Audience & timing'),
    h(
      'p',
      { class: 'muted' },
      'Recipient figures are as of the aggregator’s last snapshot (a few seconds). Recipients are pseudonyms, never addresses.',
    ),
    silentSection(ctx),
    frequencySection(ctx),
    sendTimeSection(ctx),
    valueSection(ctx),
  );
}
