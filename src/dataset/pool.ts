import { availableParallelism } from 'node:os';

/**
 * A default for how many images to decode at once. sharp does the work on libuv's thread pool (4
 * threads unless UV_THREADPOOL_SIZE says otherwise), so more jobs than cores only adds memory.
 */
export function defaultConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Runs `work` over `items` with at most `limit` calls in flight and returns the results in input order,
 * whatever order they finish in, so the output does not depend on timing. `onDone` hears the running
 * count of finished items. If a call throws, no new ones start; the rest finish and the first error is
 * rethrown, so no promise is left running unobserved.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  onDone?: (done: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
        return;
      }
      done += 1;
      onDone?.(done);
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
  return results;
}
