// Value reads issued in the same turn of the event loop leave as one MGET: at saturation a
// command's own cost (a write syscall each) is most of a small read's cost, and one command
// of 50 keys costs Redis and this process far less than 50 (decision 006). A turn with one
// read sends a plain GET. Lean on purpose (no per-batch promise chain, no result checks):
// it sits on every L2 read, where a general-purpose batcher's layers showed in the profile.

type Waiter = { resolve(value: string | null): void; reject(error: unknown): void };

export class ReadBatch {
  private keys: string[] = [];
  private waiters: Waiter[] = [];
  private readonly flush = () => this.send();
  // Like DataLoader: after the promise jobs queued now, so callers resumed by one reply all join.
  private readonly schedule = () => process.nextTick(this.flush);

  constructor(
    private readonly getOne: (key: string) => Promise<string | null>,
    private readonly getMany: (keys: string[]) => Promise<Array<string | null>>,
    private readonly maxBatch: number,
  ) {}

  load(key: string): Promise<string | null> {
    return new Promise((resolve, reject) => {
      if (this.keys.length === 0) void Promise.resolve().then(this.schedule);
      this.keys.push(key);
      this.waiters.push({ resolve, reject });
      if (this.keys.length >= this.maxBatch) this.send();
    });
  }

  private send(): void {
    const { keys, waiters } = this;
    if (keys.length === 0) return;
    this.keys = [];
    this.waiters = [];
    if (keys.length === 1) {
      const waiter = waiters[0]!;
      this.getOne(keys[0]!).then(waiter.resolve, waiter.reject);
      return;
    }
    this.getMany(keys).then(
      (values) => {
        for (let i = 0; i < waiters.length; i++) waiters[i]!.resolve(values[i] ?? null);
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}
