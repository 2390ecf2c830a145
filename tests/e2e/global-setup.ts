/**
 * The end-to-end suites test what ships: the compiled dist/ of every package and service. A dist
 * that is missing or was built from other sources than the checkout's stops the run here, naming
 * what is stale and the command that rebuilds it (`pnpm build`).
 */
import { assertBuildCurrent } from '../../scripts/build-stamp.ts';

export default function setup(): void {
  assertBuildCurrent();
}
