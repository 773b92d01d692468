/**
 * The sandbox's demo account. These are *not* secrets: they only open the local sandbox, and the
 * README's demo and the test suite use them. Real credentials never live in the repository.
 */
export const DEMO_CREDENTIALS = Object.freeze({
  appId: 'sandboxapp01',
  appSecret: 'sandbox-demo-secret-not-for-production',
  userId: 'sandboxuser1',
});

export interface SandboxCredentials {
  readonly appId: string;
  readonly appSecret: string;
  readonly userId: string;
}
