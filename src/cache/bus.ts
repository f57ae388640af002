import type { RedisClient as Redis } from './redis-connection.ts';
import type { Logger } from '../logger.ts';

// The invalidation bus: a Redis pub/sub channel carrying invalidations, never values. An
// instance that hears one drops the matching in-process entries; values are re-read from
// Redis. Pub/sub is at-most-once, so while the subscriber is disconnected messages are lost:
// the L1 is dropped whole on disconnect and again once the subscription is back, and it is
// not used at all in between (see CacheService's l1Usable).

export interface InvalidationMessage {
  tenantId: number;
  /** Absent: the whole tenant. */
  module?: string;
  /** One value key, or a glob pattern over value keys; absent: the whole module. */
  key?: string;
  pattern?: string;
}

export interface InvalidationBus {
  readonly connected: boolean;
  publish(message: InvalidationMessage): Promise<void>;
  close(): Promise<void>;
}

export interface BusHandlers {
  onMessage(message: InvalidationMessage): void;
  /** Messages may have been missed: drop everything local. */
  onReset(): void;
}

/** The bus of a single instance (REDIS_URL unset): nobody else to tell. */
export class LocalBus implements InvalidationBus {
  readonly connected = true;
  async publish(): Promise<void> {}
  async close(): Promise<void> {}
}

export class RedisBus implements InvalidationBus {
  private subscribed = false;
  private closed = false;
  private readonly onReady = () => void this.subscribe();
  private readonly onDown = () => {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.handlers.onReset();
  };
  private readonly onText = (channel: string, text: string) => {
    if (channel !== this.channel) return;
    try {
      const { i, ...message } = JSON.parse(text) as InvalidationMessage & { i: string };
      if (i !== this.instanceId) this.handlers.onMessage(message);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'cache: ignored a malformed invalidation message');
    }
  };

  constructor(
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly instanceId: string,
    private readonly handlers: BusHandlers,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', this.onText);
    subscriber.on('ready', this.onReady);
    subscriber.on('close', this.onDown);
    if (subscriber.status === 'ready') void this.subscribe();
  }

  get connected(): boolean {
    return this.subscribed && this.subscriber.status === 'ready';
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      if (this.closed) return;
      // Whatever was published before this point while we were away is unknown: start empty.
      this.handlers.onReset();
      this.subscribed = true;
    } catch (error) {
      this.logger.debug(
        { err: (error as Error).message },
        'cache: subscribing to the invalidation channel failed; will retry on reconnect',
      );
    }
  }

  async publish(message: InvalidationMessage): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify({ i: this.instanceId, ...message }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscriber.off('message', this.onText);
    this.subscriber.off('ready', this.onReady);
    this.subscriber.off('close', this.onDown);
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(this.channel).catch(() => {});
  }
}
