/** The outcome of an idempotent create: where its result lives, and whether this was a repeat. */
export interface Created {
  id: number;
  url: string;
  replayed: boolean;
}
