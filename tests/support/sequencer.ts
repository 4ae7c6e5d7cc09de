import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Test files run in the order of their names, whatever vitest's cache says:
 * suites on shared lab hosts are written to be independent, and a fixed order
 * makes a run repeatable (and a failure reproducible).
 */
export default class ByName extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
