import { describe, expect, it } from 'vitest';
import { MaskService } from '../../src/bot/mask-service.js';
import type { GeneratorClient } from '../../src/generate/client.js';
import type { LatentRef } from '../../src/generate/mask-id.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/index.js';

/** A generator whose answers the test releases one at a time. */
function heldGenerator() {
  const waiting: Array<() => void> = [];
  const generator = {
    masks: (refs: LatentRef[]) =>
      new Promise((resolve) => {
        waiting.push(() =>
          resolve({
            ok: true,
            id: 1,
            checkpointId: 'step-000000001-0123abcd',
            step: 1,
            masks: refs.map((r) => ({
              id: `step-000000001-0123abcd.${r.seed}.w1`,
              ref: r,
              png: new Uint8Array([1, 2, 3]),
            })),
          }),
        );
      }),
  } as unknown as GeneratorClient;
  return { generator, release: () => waiting.shift()?.(), pending: () => waiting.length };
}

function fakeRest() {
  type Init = { body: { content?: string }; auth?: boolean };
  const calls: Array<{
    method: string;
    route: string;
    body: { content?: string };
    auth: boolean | undefined;
  }> = [];
  return {
    calls,
    rest: {
      patch: async (route: string, init: Init) =>
        void calls.push({ method: 'PATCH', route, body: init.body, auth: init.auth }),
      post: async (route: string, init: Init) =>
        void calls.push({ method: 'POST', route, body: init.body, auth: init.auth }),
    },
  };
}

function interaction(userId: string, now: number) {
  const edits: string[] = [];
  return {
    edits,
    value: {
      user: { id: userId },
      guildId: 'g1',
      channelId: 'c1',
      token: `token-${userId}`,
      createdTimestamp: now,
      editReply: async (content: string) => void edits.push(content),
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 10));
const request = { kind: 'masks' as const, refs: [{ seed: 1, weirdness: 1 }], outPx: 64, intro: 'hi' };

/** A queue on an in-memory store, with a clock the test moves, a held generator and a recording REST. */
function setup(start: number, queue: { maxPending?: number; cooldownMs?: number } = {}) {
  const clock = { now: start };
  const store = openStore(':memory:', silentLogger, { now: () => clock.now, queue });
  const held = heldGenerator();
  const { rest, calls } = fakeRest();
  const service = new MaskService({
    store,
    generator: held.generator,
    rest: rest as never,
    applicationId: 'app',
    logger: silentLogger,
    now: () => clock.now,
  });
  const close = async () => {
    await service.stop();
    store.close();
  };
  return { clock, service, release: held.release, calls, close };
}

describe('mask queue', () => {
  it('given three users, then the waiting ones see their place and it is updated as the line moves', async () => {
    const { clock, service, release, calls, close } = setup(1_000_000);
    const now = clock.now;
    const [a, b, c] = ['a', 'b', 'c'].map((u) => interaction(u, now));

    await service.submit(a?.value as never, request);
    await tick();
    await service.submit(b?.value as never, request);
    await service.submit(c?.value as never, request);
    expect(a?.edits).toEqual(['🕯️ Drawing your nightmare…']);
    expect(b?.edits).toEqual(["⏳ You're #1 in line for a mask…"]);
    expect(c?.edits).toEqual(["⏳ You're #2 in line for a mask…"]);

    release();
    await tick();
    // a's masks went to a's reply; c moved up to first in line.
    expect(calls.find((x) => x.route.includes('token-a'))?.body.content).toBe('hi');
    expect(calls.filter((x) => x.route.includes('token-c')).map((x) => x.body.content)).toEqual([
      "⏳ You're #1 in line for a mask…",
    ]);
    release();
    await tick();
    release();
    await tick();
    expect(calls.filter((x) => x.body.content === 'hi')).toHaveLength(3);
    // Interaction webhooks go without the bot token: a 401 on one must not cost the bot its token.
    expect(calls.filter((x) => x.route.startsWith('/webhooks/')).every((x) => x.auth === false)).toBe(true);
    await close();
  });

  it('given a user with a request in line, a full queue, or a cooldown, then each is refused with when to retry', async () => {
    const { clock, service, release, close } = setup(5_000_000, { maxPending: 1, cooldownMs: 60_000 });
    const now = clock.now;

    await service.submit(interaction('a', now).value as never, request);
    await tick();
    await service.submit(interaction('b', now).value as never, request);
    await expect(service.submit(interaction('b', now).value as never, request)).rejects.toMatchObject({
      code: 'already-pending',
    });
    await expect(service.submit(interaction('c', now).value as never, request)).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/Try again in \d/),
    });
    release();
    await tick();
    release();
    await tick();
    clock.now += 1000;
    await expect(service.submit(interaction('a', clock.now).value as never, request)).rejects.toMatchObject({
      code: 'cooldown',
      message: expect.stringMatching(/in 59 s/),
    });
    await close();
  });

  it('given a reply that cannot be edited when the request is queued, then the request still runs', async () => {
    const { clock, service, release, calls, close } = setup(7_000_000);
    const broken = interaction('a', clock.now);
    broken.value.editReply = async () => {
      throw new Error('Unknown interaction');
    };
    await service.submit(broken.value as never, request);
    await tick();
    release();
    await tick();
    expect(calls.filter((x) => x.body.content === 'hi')).toHaveLength(1);
    await close();
  });

  it('given a reply whose 15 minutes have run out, then the masks are posted to the channel instead', async () => {
    const { clock, service, release, calls, close } = setup(9_000_000);
    const now = clock.now;
    await service.submit(interaction('a', now).value as never, request);
    await tick();
    clock.now += 16 * 60_000;
    release();
    await tick();
    const delivered = calls.find((x) => x.body.content?.includes('hi'));
    expect(delivered).toMatchObject({
      method: 'POST',
      route: '/channels/c1/messages',
      body: { content: '<@a> hi' },
    });
    await close();
  });
});
