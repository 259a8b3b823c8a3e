import type { Client } from 'discord.js';
import type { Config } from '../config/config.js';
import type { GeneratorClient } from '../generate/client.js';
import type { Logger } from '../log/logger.js';
import type { NightlyScheduler } from '../schedule/nightly.js';
import type { Store } from '../store/index.js';
import type { ParentMessage, TrainerProgress } from '../trainer/protocol.js';
import type { MaskService } from './mask-service.js';

/** What the bot needs of the trainer: its latest numbers and a way to send it commands. */
export interface TrainerControl {
  readonly progress: TrainerProgress | undefined;
  readonly running: boolean;
  /** Set when training stopped for a reason a restart cannot fix (bad data, a locked folder). */
  readonly stoppedBecause: string | undefined;
  send(message: ParentMessage): boolean;
}

/** Everything a command handler may use; built once at start. */
export interface BotContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly client: Client;
  readonly store: Store;
  readonly generator: GeneratorClient;
  readonly trainer: TrainerControl;
  readonly masks: MaskService;
  readonly nightly: NightlyScheduler | undefined;
  readonly now: () => number;
}
