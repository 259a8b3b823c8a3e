import { GatewayCloseCodes } from 'discord.js';

/** Why the gateway closes a connection, with Discord's close code and reason. */
export interface Refusal {
  readonly code: GatewayCloseCodes;
  readonly reason: string;
}

const authenticationFailed: Refusal = {
  code: GatewayCloseCodes.AuthenticationFailed,
  reason: 'Authentication failed.',
};

/** Checks an IDENTIFY (op 2) payload: the bot's token, integer intents, and shard [0, 1] if given. */
export function checkIdentify(data: unknown, token: string): { intents: number } | Refusal {
  const identify = (data ?? {}) as { token?: unknown; intents?: unknown; shard?: unknown };
  if (identify.token !== token) return authenticationFailed;
  const { intents, shard } = identify;
  if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0) {
    return { code: GatewayCloseCodes.InvalidIntents, reason: 'Invalid intent(s).' };
  }
  // The fake runs one shard; a client asking for another would get events Discord never sends it.
  if (shard !== undefined && (!Array.isArray(shard) || shard[0] !== 0 || shard[1] !== 1)) {
    return { code: GatewayCloseCodes.InvalidShard, reason: 'Invalid shard.' };
  }
  return { intents };
}

/** Checks a RESUME (op 6) payload's token and reads which session and sequence it resumes from. */
export function checkResume(data: unknown, token: string): { sessionId: string; seq: number } | Refusal {
  const resume = (data ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
  if (resume.token !== token) return authenticationFailed;
  return {
    sessionId: typeof resume.session_id === 'string' ? resume.session_id : '',
    seq: typeof resume.seq === 'number' ? resume.seq : Number.NaN,
  };
}

export function isRefusal(value: object): value is Refusal {
  return 'code' in value && 'reason' in value;
}
