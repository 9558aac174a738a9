/**
 * Given/when/then for deciders: given past events, when a command is decided, then these events
 * (or this error). No mocks: the state is folded from the given events with the real evolve.
 */
export const specFor = <S, E, C>(fold: (events: readonly E[]) => S, decide: (command: C, state: S) => E | E[]) => {
  return (given: readonly E[]) => ({
    when: (command: C) => {
      const run = (): E[] => {
        const result = decide(command, fold(given));
        return Array.isArray(result) ? result : [result];
      };
      return {
        then: (expected: E[]): void => {
          expect(run()).toEqual(expected);
        },
        thenThrows: (errorClass: abstract new (...args: never[]) => Error, message?: RegExp): void => {
          let thrown: unknown;
          try {
            run();
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          if (message) expect((thrown as Error).message).toMatch(message);
        },
      };
    },
  });
};
