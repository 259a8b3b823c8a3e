/**
 * Vitest setup file: installs the network guard in every test worker before any test file runs,
 * and fails the test during which a connection or lookup was refused, so a refusal swallowed by
 * a retry loop or a catch-all still shows up. Tests that expect a refusal claim it with
 * `takeBlockedAttempts()`.
 */
import { afterEach } from 'vitest';
import { installNetworkGuard, takeBlockedAttempts } from './network/guard.js';

installNetworkGuard();

afterEach(() => {
  const unclaimed = takeBlockedAttempts();
  if (unclaimed.length === 0) return;
  const targets = unclaimed.map((attempt) => `${attempt.kind} ${attempt.target}`).join(', ');
  throw new Error(
    `This test tried to reach the network (${targets}). Only loopback is allowed; ` +
      'use the fake Discord on 127.0.0.1, or claim expected refusals with takeBlockedAttempts().',
    { cause: unclaimed[0]?.error },
  );
});
