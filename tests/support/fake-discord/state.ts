import type { Clock } from './clock.js';
import type { CommandStore } from './commands/store.js';
import type { InteractionStore } from './interactions/store.js';
import type { ComposeContext } from './messages/compose.js';
import type { MessageStore } from './messages/store.js';
import type { SnowflakeGenerator } from './snowflake.js';
import type { World } from './world/types.js';

/** The options after defaults, frozen at start. */
export interface FakeSettings {
  readonly token: string;
  readonly heartbeatIntervalMs: number;
  readonly maxUploadBytes: number;
  readonly interactionAckWindowMs: number;
  readonly interactionTokenLifetimeMs: number;
  readonly nonceWindowMs: number;
}

/** Where REST handlers send gateway events (MESSAGE_CREATE and friends). */
export interface EventSink {
  dispatch(t: string, d: unknown, requiredIntent?: number): void;
}

/** Everything the route handlers share. */
export interface FakeState {
  readonly settings: FakeSettings;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  readonly world: World;
  readonly messages: MessageStore;
  readonly interactions: InteractionStore;
  readonly commands: CommandStore;
  readonly events: EventSink;
  readonly compose: ComposeContext;
  /** `ws://127.0.0.1:PORT`, handed out by GET /gateway/bot. */
  readonly gatewayUrl: string;
}
