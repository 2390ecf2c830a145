import { RebuildingError } from '@tally/counters';
import { AppError } from '@tally/http';

/** Runs a read, turning a state under rebuild into 503 `rebuilding`. */
export async function whole<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof RebuildingError) throw new AppError('rebuilding', err.message);
    throw err;
  }
}
