// Mocha reporter for both VS Code tiers: the spec output, then one machine-readable last line,
// `N passed, N failed` (skipped tests are in the spec summary as "pending").
import Mocha from 'mocha';

class SpecWithCounts extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    // Registered after Spec's own run-end handler, so this line comes after its epilogue.
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      console.log(`${this.stats.passes} passed, ${this.stats.failures} failed`);
    });
  }
}

export = SpecWithCounts;
